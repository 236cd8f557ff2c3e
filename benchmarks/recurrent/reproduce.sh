#!/bin/sh
# Reproduces the recurrent-PPO results of docs/tutorials/recurrent.md, one run after
# another (each run is one process; results/recurrent/ gets a .csv of episodes, a .json
# summary and a .log per run), then writes summary.md files.
# Needs the workspace built (pnpm build). Run from benchmarks/: sh recurrent/reproduce.sh [seeds]
set -e
SEEDS="${1:-1 2 3}"
for seed in $SEEDS; do
  for policy in lstm mlp; do
    node recurrent/train.mjs --env CartPoleNoVel-v1 --policy "$policy" --seed "$seed" --steps 500000 --stop-at 475 \
      > "results/recurrent/CartPoleNoVel-v1-$policy-seed$seed.log" 2>&1
    node recurrent/train.mjs --env PendulumNoVel-v1 --policy "$policy" --seed "$seed" --steps 100000 \
      > "results/recurrent/PendulumNoVel-v1-$policy-seed$seed.log" 2>&1
  done
done
# A longer PendulumNoVel-v1 pair (seed 1, 300k steps) in its own folder.
mkdir -p results/recurrent/pendulum-300k
for policy in lstm mlp; do
  node recurrent/train.mjs --env PendulumNoVel-v1 --policy "$policy" --seed 1 --steps 300000 --out results/recurrent/pendulum-300k \
    > "results/recurrent/pendulum-300k/PendulumNoVel-v1-$policy-seed1.log" 2>&1
done
node recurrent/summarize.mjs
node recurrent/summarize.mjs results/recurrent/pendulum-300k
