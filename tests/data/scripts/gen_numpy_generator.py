# Makes tests/data/numpy_generator.json with /usr/bin/python3 (Debian numpy): usage gen_numpy_generator.py OUT.json
# np.random.default_rng(seed) (PCG64 + SeedSequence) draws: raw outputs, random, integers over several ranges,
# uniform, standard_normal / normal (ziggurat), choice with and without replacement, permutation, shuffle.
import json, struct, sys
import numpy as np

def bits(x):
    return '0x%016x' % struct.unpack('<Q', struct.pack('<d', float(x)))[0]

def f(xs):
    return [bits(x) for x in np.asarray(xs, dtype=np.float64).ravel()]

def i(xs):
    return [int(x) for x in np.asarray(xs).ravel()]

seeds = [0, 1, 42, 12345, 2**32 - 1, 2**32, 2**63 - 1, 2**64 + 5, 2**128 + 12345678901234567890, [1, 2, 3], [0, 2**40, 7, 9, 11]]
out = {"about": "Made by tests/data/scripts/gen_numpy_generator.py with numpy " + np.__version__ + ". Doubles as IEEE-754 bit patterns (hex); 64-bit integers as decimal strings.",
       "numpy": np.__version__, "cases": []}
for seed in seeds:
    c = {"seed": [str(s) for s in seed] if isinstance(seed, list) else str(seed)}
    ss = np.random.SeedSequence(seed)
    c["pool"] = i(ss.pool)
    c["state32"] = i(ss.generate_state(8))
    rng = np.random.default_rng(seed)
    c["raw"] = [str(v) for v in rng.bit_generator.random_raw(5)]
    rng = np.random.default_rng(seed)
    c["random"] = f(rng.random(7))
    c["random_scalar"] = f([rng.random()])
    rng = np.random.default_rng(seed)
    ints = []
    for lo, hi in [(0, 6), (0, 2), (-5, 5), (10, 1000), (0, 2**31), (0, 2**32), (0, 2**32 + 1), (-2**62, 2**62), (0, 10**15), (3, 4), (-2**63, 2**63 - 1)]:
        ints.append({"low": str(lo), "high": str(hi), "values": [str(v) for v in rng.integers(lo, hi, size=6)]})
        ints.append({"low": str(lo), "high": str(hi), "scalar": str(int(rng.integers(lo, hi)))})
    c["integers"] = ints
    c["integers_endpoint"] = [str(v) for v in rng.integers(0, 9, size=8, endpoint=True)]
    rng = np.random.default_rng(seed)
    c["uniform"] = f(rng.uniform(-2.5, 7.0, size=6))
    c["uniform_scalar"] = f([rng.uniform(0.1, 0.2)])
    rng = np.random.default_rng(seed)
    c["standard_normal"] = f(rng.standard_normal(1000))
    c["normal"] = f(rng.normal(1.5, 0.25, size=5))
    c["normal_scalar"] = f([rng.normal(-3.0, 2.0)])
    rng = np.random.default_rng(seed)
    ch = []
    for n, k in [(10, 3), (100, 7), (50, 50), (1, 1), (1000, 0), (20000, 500), (20000, 100), (300, 299)]:
        ch.append({"n": n, "size": k, "values": i(rng.choice(n, size=k, replace=False))})
    c["choice_noreplace"] = ch
    c["choice_replace"] = i(rng.choice(37, size=9))
    cand = np.arange(5, 120, 6)
    c["choice_array"] = {"candidates": i(cand), "values": i(rng.choice(cand, size=5, replace=False))}
    rng = np.random.default_rng(seed)
    c["permutation"] = i(rng.permutation(15))
    a = np.arange(9); rng.shuffle(a)
    c["shuffle"] = i(a)
    out["cases"].append(c)

# The course's Unit 9 recipe fragment: integers, sorted choice without replacement, uniform, standard_normal.
rng = np.random.default_rng(0)
seq = []
for _ in range(3):
    K = int(rng.integers(5, 9))
    offset = int(rng.integers(0, 6))
    cands = np.arange(offset, 200, 6)
    centers = np.sort(rng.choice(cands, size=K, replace=False)).tolist()
    A = rng.uniform(0.5, 1.5)
    jit = rng.standard_normal(4)
    seq.append({"K": K, "offset": offset, "centers": centers, "A": bits(A), "jitter": f(jit)})
out["unit09_like"] = seq
with open(sys.argv[1], "w") as fh:
    json.dump(out, fh)
