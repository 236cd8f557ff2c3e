"""Reference trajectories of Gymnasium's classic-control tasks, for @ppo/envs' tests.

Re-implements the step functions of gymnasium/envs/classic_control/*.py (Gymnasium 1.x) in
Python with numpy, from the published equations (float64 throughout, except that
MountainCarContinuous-v0 keeps Gymnasium's float32 state and NumPy 2's arithmetic on it), and
writes fixed-action trajectories from set states to src/classic-control/reference-trajectories.json.
The TypeScript tests replay the same states and actions and compare.

Run from packages/envs:  python3 scripts/gymnasium_reference.py
"""

import json
import math
import os

import numpy as np

F32 = np.float32


def f32(x):
    return float(F32(x))


# --- CartPole-v1 -------------------------------------------------------------------------
def cartpole_step(state, action):
    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    total_mass = masspole + masscart
    polemass_length = masspole * length
    theta_threshold = 12 * 2 * math.pi / 360
    x, x_dot, theta, theta_dot = state
    force = force_mag if action == 1 else -force_mag
    costheta, sintheta = math.cos(theta), math.sin(theta)
    temp = (force + polemass_length * theta_dot**2 * sintheta) / total_mass
    thetaacc = (gravity * sintheta - costheta * temp) / (
        length * (4.0 / 3.0 - masspole * costheta**2 / total_mass)
    )
    xacc = temp - polemass_length * thetaacc * costheta / total_mass
    x, x_dot, theta, theta_dot = (
        x + tau * x_dot,
        x_dot + tau * xacc,
        theta + tau * theta_dot,
        theta_dot + tau * thetaacc,
    )
    terminated = x < -2.4 or x > 2.4 or theta < -theta_threshold or theta > theta_threshold
    return [x, x_dot, theta, theta_dot], 1.0, terminated


def cartpole_obs(s):
    return [f32(v) for v in s]


# --- Acrobot-v1 --------------------------------------------------------------------------
def acrobot_dsdt(s, a):
    m1 = m2 = l1 = 1.0
    lc1 = lc2 = 0.5
    I1 = I2 = 1.0
    g = 9.8
    theta1, theta2, dtheta1, dtheta2 = s
    d1 = m1 * lc1**2 + m2 * (l1**2 + lc2**2 + 2 * l1 * lc2 * np.cos(theta2)) + I1 + I2
    d2 = m2 * (lc2**2 + l1 * lc2 * np.cos(theta2)) + I2
    phi2 = m2 * lc2 * g * np.cos(theta1 + theta2 - np.pi / 2.0)
    phi1 = (
        -m2 * l1 * lc2 * dtheta2**2 * np.sin(theta2)
        - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * np.sin(theta2)
        + (m1 * lc1 + m2 * l1) * g * np.cos(theta1 - np.pi / 2)
        + phi2
    )
    ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1**2 * np.sin(theta2) - phi2) / (
        m2 * lc2**2 + I2 - d2**2 / d1
    )
    ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
    return np.array([dtheta1, dtheta2, ddtheta1, ddtheta2], dtype=np.float64)


def acrobot_step(state, action):
    torque = [-1.0, 0.0, 1.0][action]
    y0 = np.array(state, dtype=np.float64)
    dt = 0.2 - 0.0
    dt2 = dt / 2.0
    k1 = acrobot_dsdt(y0, torque)
    k2 = acrobot_dsdt(y0 + dt2 * k1, torque)
    k3 = acrobot_dsdt(y0 + dt2 * k2, torque)
    k4 = acrobot_dsdt(y0 + dt * k3, torque)
    ns = y0 + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)

    def wrap(x, m, M):
        diff = M - m
        while x > M:
            x = x - diff
        while x < m:
            x = x + diff
        return x

    ns = [
        wrap(float(ns[0]), -math.pi, math.pi),
        wrap(float(ns[1]), -math.pi, math.pi),
        min(max(float(ns[2]), -4 * math.pi), 4 * math.pi),
        min(max(float(ns[3]), -9 * math.pi), 9 * math.pi),
    ]
    terminated = bool(-math.cos(ns[0]) - math.cos(ns[1] + ns[0]) > 1.0)
    return ns, (0.0 if terminated else -1.0), terminated


def acrobot_obs(s):
    return [f32(math.cos(s[0])), f32(math.sin(s[0])), f32(math.cos(s[1])), f32(math.sin(s[1])), f32(s[2]), f32(s[3])]


# --- MountainCar-v0 ----------------------------------------------------------------------
def mountain_car_step(state, action):
    position, velocity = state
    velocity += (action - 1) * 0.001 + math.cos(3 * position) * (-0.0025)
    velocity = min(max(velocity, -0.07), 0.07)
    position += velocity
    position = min(max(position, -1.2), 0.6)
    if position == -1.2 and velocity < 0:
        velocity = 0.0
    terminated = bool(position >= 0.5 and velocity >= 0)
    return [position, velocity], -1.0, terminated


# --- MountainCarContinuous-v0 ------------------------------------------------------------
# Unlike the others, this step keeps Gymnasium's numpy types, because they decide the arithmetic:
# the state is a float64 array as reset leaves it and a float32 array after every step, and the
# action a float32 array. Under NumPy 2 (NEP 50) a float32 meeting a Python float stays float32,
# so from the second step on the updates and comparisons run in float32. Needs NumPy >= 2.
def continuous_mountain_car_step(state, action):
    position, velocity = state[0], state[1]
    a = np.array([action], dtype=np.float32)[0]
    force = min(max(a, -1.0), 1.0)
    velocity += force * 0.0015 - 0.0025 * math.cos(3 * position)
    if velocity > 0.07:
        velocity = 0.07
    if velocity < -0.07:
        velocity = -0.07
    position += velocity
    if position > 0.6:
        position = 0.6
    if position < -1.2:
        position = -1.2
    if position == -1.2 and velocity < 0:
        velocity = 0
    terminated = bool(position >= 0.45 and velocity >= 0)
    reward = 100.0 if terminated else 0.0
    reward -= math.pow(a, 2) * 0.1
    return np.array([position, velocity], dtype=np.float32), reward, terminated


# --- Pendulum-v1 -------------------------------------------------------------------------
def angle_normalize(x):
    return ((x + np.pi) % (2 * np.pi)) - np.pi


def pendulum_step(state, action):
    th, thdot = state
    g, m, l, dt = 10.0, 1.0, 1.0, 0.05
    u = min(max(action, -2.0), 2.0)
    costs = angle_normalize(th) ** 2 + 0.1 * thdot**2 + 0.001 * (u**2)
    newthdot = thdot + (3 * g / (2 * l) * math.sin(th) + 3.0 / (m * l**2) * u) * dt
    newthdot = min(max(newthdot, -8.0), 8.0)
    newth = th + newthdot * dt
    return [float(newth), float(newthdot)], float(-costs), False


def pendulum_obs(s):
    return [f32(math.cos(s[0])), f32(math.sin(s[0])), f32(s[1])]


def run(step, obs, state, policy, max_steps):
    states, observations, rewards, terms, actions = [], [], [], [], []
    for _ in range(max_steps):
        a = policy(state)
        state, r, term = step(state, a)
        actions.append(a)
        states.append([float(v) for v in state])
        observations.append(obs(state))
        rewards.append(r)
        terms.append(term)
        if term:
            break
    return {"actions": actions, "states": states, "observations": observations, "rewards": rewards, "terminated": terms}


def case(env_id, name, initial, step, obs, policy, max_steps):
    start = list(initial)
    if env_id == "MountainCarContinuous-v0":
        # As the env's setState: float32 values continue a stepped episode, others start as reset.
        start = np.array(initial, dtype=np.float32 if all(f32(v) == v for v in initial) else np.float64)
    out = run(step, obs, start, policy, max_steps)
    out.update({"env": env_id, "name": name, "initial": list(initial)})
    return out


def main():
    if int(np.__version__.split(".")[0]) < 2:
        raise SystemExit("MountainCarContinuous-v0's reference needs NumPy 2's float32 arithmetic (NEP 50)")
    rng = np.random.default_rng(20240601)
    cases = []
    identity = lambda s: [f32(v) for v in s]

    for k in range(4):
        init = [float(v) for v in rng.uniform(-0.05, 0.05, size=4)]
        acts = [int(a) for a in rng.integers(0, 2, size=500)]
        it = iter(acts)
        cases.append(case("CartPole-v1", f"random-{k}", init, cartpole_step, cartpole_obs, lambda s: next(it), 500))
    # A balancing policy keeps the pole up long enough to exercise long trajectories.
    cases.append(case("CartPole-v1", "balance", [0.01, -0.02, 0.03, 0.01], cartpole_step, cartpole_obs,
                      lambda s: 1 if s[2] + 0.5 * s[3] > 0 else 0, 200))
    cases.append(case("CartPole-v1", "edge", [2.39, 0.5, 0.0, 0.0], cartpole_step, cartpole_obs, lambda s: 1, 50))

    for k in range(2):
        init = [f32(v) for v in rng.uniform(-0.1, 0.1, size=4)]
        acts = [int(a) for a in rng.integers(0, 3, size=500)]
        it = iter(acts)
        cases.append(case("Acrobot-v1", f"random-{k}", init, acrobot_step, acrobot_obs, lambda s: next(it), 60))
    # Pumping energy (torque along the second joint's velocity) reaches the goal height.
    cases.append(case("Acrobot-v1", "swing-up", [0.05, -0.02, 0.01, 0.0], acrobot_step, acrobot_obs,
                      lambda s: 2 if s[3] > 0 else 0, 500))
    cases.append(case("Acrobot-v1", "wrap-and-bound", [3.1, -3.1, 12.5, -28.2], acrobot_step, acrobot_obs,
                      lambda s: 1, 5))

    for k in range(2):
        init = [float(rng.uniform(-0.6, -0.4)), 0.0]
        acts = [int(a) for a in rng.integers(0, 3, size=100)]
        it = iter(acts)
        cases.append(case("MountainCar-v0", f"random-{k}", init, mountain_car_step, identity, lambda s: next(it), 100))
    cases.append(case("MountainCar-v0", "energy", [-0.5, 0.0], mountain_car_step, identity,
                      lambda s: 2 if s[1] >= 0 else 0, 200))
    cases.append(case("MountainCar-v0", "left-wall", [-1.15, -0.06], mountain_car_step, identity, lambda s: 0, 5))

    acts = [f32(a) for a in rng.uniform(-1.6, 1.6, size=100)]
    it = iter(acts)
    cases.append(case("MountainCarContinuous-v0", "random", [float(rng.uniform(-0.6, -0.4)), 0.0],
                      continuous_mountain_car_step, identity, lambda s: next(it), 100))
    cases.append(case("MountainCarContinuous-v0", "energy", [-0.5, 0.0], continuous_mountain_car_step, identity,
                      lambda s: f32(1.3) if s[1] >= 0 else f32(-1.3), 999))
    cases.append(case("MountainCarContinuous-v0", "left-wall", [-1.19, -0.05], continuous_mountain_car_step,
                      identity, lambda s: f32(-0.5), 5))
    # A float32 state near the top speed and the goal: the clip and goal tests in float32.
    cases.append(case("MountainCarContinuous-v0", "goal", [f32(0.3), f32(0.0695)], continuous_mountain_car_step,
                      identity, lambda s: f32(0.9), 10))

    for k in range(2):
        init = [float(rng.uniform(-np.pi, np.pi)), float(rng.uniform(-1, 1))]
        acts = [f32(a) for a in rng.uniform(-3.0, 3.0, size=100)]
        it = iter(acts)
        cases.append(case("Pendulum-v1", f"random-{k}", init, pendulum_step, pendulum_obs, lambda s: next(it), 100))
    # Full torque spins the pendulum past the speed limit and winds theta over many turns.
    cases.append(case("Pendulum-v1", "spin", [3.0, 7.5], pendulum_step, pendulum_obs, lambda s: f32(2.0), 200))
    # The other way round: theta below -pi exercises the floored modulo of angle_normalize.
    cases.append(case("Pendulum-v1", "spin-negative", [-3.0, -7.5], pendulum_step, pendulum_obs,
                      lambda s: f32(-2.5), 100))

    here = os.path.dirname(os.path.abspath(__file__))
    target = os.path.join(here, "..", "src", "classic-control", "reference-trajectories.json")
    with open(target, "w") as f:
        json.dump({"generator": "scripts/gymnasium_reference.py", "numpy": np.__version__, "cases": cases}, f)
        f.write("\n")
    for c in cases:
        print(c["env"], c["name"], len(c["actions"]), "steps", "terminated" if c["terminated"][-1] else "")


if __name__ == "__main__":
    main()
