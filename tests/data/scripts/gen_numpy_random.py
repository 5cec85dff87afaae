"""Vectors for Fluxion.Random.NumpyRandomState: NumPy's legacy RandomState, call by call.

Usage: /usr/bin/python3 gen_numpy_random.py OUT.json   (numpy 1.24)

Each scenario seeds a fresh RandomState and replays a sequence of calls; doubles are stored as
16-hex-digit IEEE bit patterns so the test can compare bit for bit.
"""
import json
import random
import struct
import sys

import numpy as np


def hx(v):
    return struct.pack(">d", float(v)).hex()


def flo(a):
    return [hx(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def ints(a):
    return [int(v) for v in np.asarray(a).ravel()]


def run(rs, op):
    """Performs one call and returns the op record with its output."""
    kind = op["op"]
    size = op.get("size")
    if kind == "seed":
        rs.seed(op["seed"])
        return dict(op)
    if kind == "random_sample":
        return dict(op, out=flo(rs.random_sample(size)))
    if kind == "rand":
        return dict(op, out=flo(rs.rand(size) if size is not None else rs.rand()))
    if kind == "uniform":
        return dict(op, out=flo(rs.uniform(op["low"], op["high"], size)))
    if kind == "normal":
        return dict(op, out=flo(rs.normal(op["loc"], op["scale"], size)))
    if kind == "randn":
        return dict(op, out=flo(rs.randn(size) if size is not None else rs.randn()))
    if kind == "standard_normal":
        return dict(op, out=flo(rs.standard_normal(size)))
    if kind == "randint":
        return dict(op, out=ints(rs.randint(op["low"], op["high"], size)))
    if kind == "permutation":
        return dict(op, out=ints(rs.permutation(op["n"])))
    if kind == "shuffle":
        a = np.arange(op["n"])
        rs.shuffle(a)
        return dict(op, out=ints(a))
    if kind == "choice":
        return dict(op, out=ints(rs.choice(op["n"], size, replace=op["replace"])))
    raise ValueError(kind)


def random_op(r):
    """A random call with arguments of the sizes and ranges the course uses (and some beyond)."""
    kind = r.choice(["random_sample", "rand", "uniform", "uniform", "normal", "normal", "randn",
                     "standard_normal", "randint", "randint", "permutation", "shuffle", "choice"])
    size = r.choice([None, None, 1, 2, 3, 7, 64])
    if kind == "uniform":
        lo = r.choice([0.0, 1.0, 0.2, -10.0, 12.0, 2.5])
        return dict(op=kind, low=lo, high=lo + r.choice([1.0, 0.8, 8.0, 12.0, 20.0, 0.5]), size=size)
    if kind == "normal":
        return dict(op=kind, loc=r.choice([0.0, -3.0, 1.5]), scale=r.choice([1.0, 0.5, 0.7, 0.05]), size=size)
    if kind == "randint":
        lo = r.choice([0, 0, -5, 3, -(2 ** 40)])
        span = r.choice([1, 2, 2, 3, 6, 7, 100, 2 ** 31 + 5, 2 ** 32, 2 ** 33 + 17, 2 ** 62])
        return dict(op=kind, low=lo, high=lo + span, size=size)
    if kind in ("permutation", "shuffle"):
        return dict(op=kind, n=r.choice([0, 1, 2, 5, 10, 100, 300]))
    if kind == "choice":
        rep = r.choice([True, False])
        n = r.choice([5, 10, 50])
        return dict(op=kind, n=n, replace=rep, size=r.choice([1, 3, 5]))
    if kind in ("rand", "randn") and size is None:
        return dict(op=kind, size=None)
    return dict(op=kind, size=size)


def main(out_path):
    r = random.Random(20261204)
    scenarios = []
    fixed = [
        # the gauss cache: odd counts leave a cached value for the next call of any normal kind
        (0, [dict(op="normal", loc=0.0, scale=1.0, size=None), dict(op="randn", size=3),
             dict(op="uniform", low=0.0, high=1.0, size=None), dict(op="standard_normal", size=2)]),
        # reseeding clears the cache
        (1, [dict(op="randn", size=None), dict(op="seed", seed=1), dict(op="randn", size=None),
             dict(op="randn", size=None)]),
        # randint(0, 2) after uniform draws, as the course's waveform generator does
        (0, [dict(op="uniform", low=1.0, high=13.0, size=None), dict(op="uniform", low=0.0, high=1.0, size=None),
             dict(op="uniform", low=0.0, high=1.0, size=None), dict(op="randint", low=0, high=2, size=None),
             dict(op="normal", loc=0.0, scale=0.5, size=7), dict(op="randint", low=0, high=2, size=None)]),
        # array seeds go through init_by_array
        ([1, 2, 3], [dict(op="random_sample", size=5), dict(op="randint", low=0, high=10, size=5)]),
        ([0], [dict(op="random_sample", size=3)]),
        ([4294967295, 0, 123456789], [dict(op="rand", size=4)]),
        (4294967295, [dict(op="rand", size=4), dict(op="permutation", n=20)]),
        # one MT19937 twist boundary and beyond (624 words)
        (5, [dict(op="random_sample", size=700), dict(op="randint", low=0, high=2, size=100)]),
    ]
    for seed, ops in fixed:
        scenarios.append(dict(seed=seed, ops=ops))
    for _ in range(40):
        seed = r.choice([0, 1, 2, 10, 40, 42, 123, 2 ** 31, 2 ** 32 - 1, r.randrange(2 ** 32)])
        ops = [random_op(r) for _ in range(r.randint(3, 12))]
        if r.random() < 0.3:
            ops.insert(r.randrange(len(ops)), dict(op="seed", seed=r.choice([0, 7, 99])))
        scenarios.append(dict(seed=seed, ops=ops))
    for sc in scenarios:
        rs = np.random.RandomState(sc["seed"])
        sc["ops"] = [run(rs, op) for op in sc["ops"]]
    doc = dict(numpy=np.__version__, scenarios=scenarios)
    with open(out_path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1])
