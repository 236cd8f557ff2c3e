"""Writes src/random-state.fixture.json: values drawn by numpy's legacy RandomState, for the
TypeScript RandomState's tests. Run with a Python that has numpy (e.g. Debian's python3-numpy):

    python3 scripts/numpy-random-state.py > src/random-state.fixture.json
"""
import json
import sys

import numpy as np


def case(seed, calls):
    rs = np.random.RandomState(seed)
    out = []
    for call in calls:
        name, args = call[0], call[1:]
        if name == "uint32":
            value = [int(v) for v in rs.randint(0, 2**32, size=args[0], dtype=np.uint64)]
        elif name == "random":
            value = float(rs.rand())
        elif name == "randomArray":
            value = [float(v) for v in rs.rand(args[0])]
        elif name == "randint":
            value = int(rs.randint(*args))
        elif name == "randintArray":
            value = [int(v) for v in rs.randint(*args)]
        elif name == "choice":
            value = int(rs.choice(args[0]))
        else:
            raise ValueError(name)
        out.append({"call": name, "args": list(args), "value": value})
    return {"seed": seed if isinstance(seed, int) else list(seed), "draws": out}


def mixed():
    calls = []
    for k in range(20):
        calls += [["random"], ["randint", 2], ["randint", 1, 9], ["randint", 1 + k % 8],
                  ["randintArray", 1, 6, 8], ["randomArray", 8], ["choice", 3 + k % 5],
                  ["randint", 0, 1000], ["randint", -5, 5], ["randint", 0, 2**31 + 7]]
    return calls


cases = [case(s, mixed()) for s in [0, 1, 42, 123456789, 2**32 - 1]]
cases.append(case([1, 2, 3], mixed()))
cases.append(case(list(range(700)), mixed()))
cases.append(case(5489, [["uint32", 1250]]))
json.dump({"numpy": np.__version__, "cases": cases}, sys.stdout, separators=(",", ":"))
