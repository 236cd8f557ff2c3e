"""Writes reference traces of the original MinAtar games for this package's tests.

Usage (needs numpy; MinAtar is imported from the directory given, it is not part of this
repository):

    python3 scripts/make-traces.py /path/to/MinAtar traces/

For each game, action set (v0: all 6 actions, v1: the minimal set) and seed, it plays with the
semantics of MinAtar's Gymnasium wrapper: a fresh `Environment(game, sticky_action_prob=0.1)`,
`seed(s)`, `reset()`, then `act(action_set[a])` per step, and `reset()` (no reseed) after each
episode, until a fixed number of steps. The actions come from a player that looks ahead on
copies of the environment (so it survives long enough to reach the difficulty ramps) and
pursues each game's rare events (Seaquest: surfacing with 6 divers; Breakout: clearing the
bricks; Freeway: crossings), mixed with uniformly random actions.

Each trace records the actions, per-step rewards, done flags and difficulty-ramp levels, the
CRC-32 of every observation (`state()` as 0/1 bytes, row-major [10, 10, C]), a few full
observations, and counts of the rare events reached.
"""
import copy
import gzip
import json
import os
import sys
import zlib

import numpy as np

sys.path.insert(0, sys.argv[1])
from minatar import Environment  # noqa: E402

OUT = sys.argv[2]
GAMES = {
    "Asterix": "asterix",
    "Breakout": "breakout",
    "Freeway": "freeway",
    "Seaquest": "seaquest",
    "SpaceInvaders": "space_invaders",
}
SEEDS = [0, 1, 2]
STEPS = {"Asterix": 2000, "Breakout": 2500, "Freeway": 3000, "Seaquest": 3000, "SpaceInvaders": 2500}
FULL_OBS_EVERY = 250
EPSILON = 0.15
N, L, U, R, D, F = range(6)


def toward(dx, dy):
    """Full-set actions that move by (dx, dy), most useful first."""
    out = []
    if dy < 0:
        out.append(U)
    if dy > 0:
        out.append(D)
    if dx < 0:
        out.append(L)
    if dx > 0:
        out.append(R)
    return out


def landing(env):
    """Where Breakout's ball will reach the bottom row if the paddle stays (looked up on a copy)."""
    trial = copy.deepcopy(env)
    trial.sticky_action_prob = 0
    g = trial.env
    for _ in range(60):
        going_down = g.ball_dir in (2, 3)
        _, done = trial.act(N)
        if done:
            return g.ball_x
        if going_down and g.ball_y == 8 and g.ball_dir in (0, 1) and g.last_y == 8:
            return g.pos
    return g.pos


def fire_hits(env):
    """Whether a SpaceInvaders shot now hits an alien within its flight (looked up on a copy)."""
    trial = copy.deepcopy(env)
    trial.sticky_action_prob = 0
    reward, done = trial.act(F)
    for _ in range(9):
        if reward > 0 or done:
            break
        reward, done = trial.act(N)
    return reward > 0


def preferred(name, env):
    """The player's preferred full-set actions from the game's internals (a heuristic)."""
    g = env.env
    if name == "Breakout":
        return toward(landing(env) - g.pos, 0) or [N]
    if name == "Freeway":
        return [U]
    if name == "Asterix":
        golds = [e for e in g.entities if e is not None and e[3]]
        if not golds:
            return [N]
        e = min(golds, key=lambda e: abs(e[0] - g.player_x) + abs(e[1] - g.player_y))
        return toward(e[0] - g.player_x, e[1] - g.player_y) or [N]
    if name == "SpaceInvaders":
        if g.shot_timer == 0 and fire_hits(env):
            return [F]
        cols = [c for c in range(10) if g.alien_map[:, c].any()]
        c = min(cols, key=lambda c: abs(c - g.pos))
        return toward(c - g.pos, 0) + [N]
    if name == "Seaquest":
        if g.diver_count >= 6 or (g.diver_count > 0 and g.oxygen < 40):
            return [U]
        if g.divers:
            d = min(g.divers, key=lambda d: abs(d[0] - g.sub_x) + abs(d[1] - g.sub_y))
            return toward(d[0] - g.sub_x, d[1] - g.sub_y) + [F]
        if g.sub_y == 0:
            return [D]
        return [F, L, R]
    raise ValueError(name)


def survives(env, code, depth, codes):
    """Whether acting `code` then some of `codes` `depth - 1` more times avoids a terminal state."""
    trial = copy.deepcopy(env)
    _, done = trial.act(code)
    if done:
        return False
    if depth == 1:
        return True
    return any(survives(trial, c, depth - 1, codes) for c in codes)


def choose(name, env, action_set, chooser):
    rest = list(action_set)
    chooser.shuffle(rest)
    # Now and then a random action first (still only a safe one), else the heuristic's.
    wanted = [] if chooser.rand() < EPSILON else [a for a in preferred(name, env) if a in action_set]
    rest = [a for a in rest if a not in wanted]
    # SpaceInvaders' bullets fall from far off: dodging them needs a longer look ahead.
    depth, codes = (5, (N, L, R)) if name == "SpaceInvaders" else (2, (N, L, U, R, D, F))
    for code in wanted + rest:
        if survives(env, code, depth, codes):
            return action_set.index(code)
    return int(chooser.randint(len(action_set)))


def events(name, g, before, reward):
    """Names of the rare events the last step reached, from the game's internals."""
    out = []
    if name == "Seaquest" and before["diver_count"] == 6 and g.diver_count < 6:
        out.append("surface_with_6_divers")
    if name == "Seaquest" and g.diver_count < 0:
        out.append("negative_diver_count")
    if name == "Breakout" and reward > 0:
        out.append("brick")
    if name == "Breakout" and before["bricks"] == 0 and np.count_nonzero(g.brick_map) > 0:
        out.append("brick_refill")
    if name == "SpaceInvaders" and before["aliens"] > 0 and np.count_nonzero(g.alien_map) == 24 and before["aliens"] != 24:
        out.append("wave_cleared")
    if name == "Freeway" and reward > 0:
        out.append("crossing")
    if hasattr(g, "ramp_index") and g.ramp_index > before["ramp"]:
        out.append("ramp_up")
    return out


def snapshot(name, g):
    return {
        "diver_count": getattr(g, "diver_count", 0),
        "bricks": int(np.count_nonzero(g.brick_map)) if name == "Breakout" else -1,
        "aliens": int(np.count_nonzero(g.alien_map)) if name == "SpaceInvaders" else -1,
        "ramp": getattr(g, "ramp_index", 0),
    }


def crc(state):
    return zlib.crc32(state.astype(np.uint8).tobytes())


def trace(name, version, seed):
    env = Environment(GAMES[name], sticky_action_prob=0.1)
    env.seed(seed)
    env.reset()
    action_set = env.minimal_action_set() if version == 1 else list(range(6))
    chooser = np.random.RandomState(10_000 + 97 * seed + version)
    actions, rewards, dones, ramps, hashes, full, counts = [], [], [], [], [], {}, {}
    state = env.state()
    full["0"] = state.astype(np.uint8).reshape(-1).tolist()
    reset_hashes = [crc(state)]
    for t in range(STEPS[name]):
        a = choose(name, env, action_set, chooser)
        before = snapshot(name, env.env)
        reward, done = env.act(action_set[a])
        for e in events(name, env.env, before, reward):
            counts[e] = counts.get(e, 0) + 1
        state = env.state()
        actions.append(a)
        rewards.append(int(reward))
        dones.append(1 if done else 0)
        ramp = env.env.difficulty_ramp()
        ramps.append(-1 if ramp is None else int(ramp))
        hashes.append(crc(state))
        if (t + 1) % FULL_OBS_EVERY == 0 or (reward > 1):
            full[str(t + 1)] = state.astype(np.uint8).reshape(-1).tolist()
        if done:
            env.reset()
            reset_hashes.append(crc(env.state()))
    return {
        "game": name,
        "version": version,
        "seed": seed,
        "actions": "".join(str(a) for a in actions),
        "rewards": rewards,
        "dones": dones,
        "ramps": ramps,
        "hashes": hashes,
        "resetHashes": reset_hashes,
        "fullObservations": full,
        "events": counts,
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    only = sys.argv[3:]
    for name in GAMES:
        if only and name not in only:
            continue
        traces = [trace(name, v, s) for v in (0, 1) for s in SEEDS]
        for t in traces:
            print(name, "v%d" % t["version"], "seed", t["seed"], "episodes", sum(t["dones"]),
                  "return", sum(t["rewards"]), t["events"], file=sys.stderr)
        doc = {"format": "minatar-trace-1", "stickyActionProb": 0.1, "traces": traces}
        with gzip.GzipFile(os.path.join(OUT, name + ".json.gz"), "wb", mtime=0) as f:
            f.write(json.dumps(doc, separators=(",", ":")).encode())


main()
