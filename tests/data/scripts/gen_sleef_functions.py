"""Float32 values, VJPs and JVPs of torch 1.13's tan, atan, asin, acos, erf, sinh, cosh, softplus and pow with a
scalar exponent over a broad input range (random magnitudes from subnormal to huge, kernel range boundaries,
signed zeros, infinities, NaN), as hex bit patterns, for the managed backend's SLEEF-function property tests.

Each op has one input vector x of 811 elements (50 full AVX2 chunks of 16 plus a tail of 11). "whole" is the
op on x as one tensor (vectorised kernel on the chunks, scalar code on the tail); "tail" (for the ops whose
kernel has a scalar tail) is the op on consecutive 15-element pieces of x, so that every element goes
through the scalar code. The cotangent and the tangent are not stored: element i of both is
((i * 7919) % 2001 - 1000) / 256 and ((i * 104729) % 2001 - 1000) / 512 (exact in float32).

One intra-op thread, so that no parallel chunking moves the vector/tail boundaries.

Usage: /usr/bin/python3 gen_sleef_functions.py OUT.json
"""
import json
import math
import struct
import sys

import torch
import torch.nn.functional as F
import torch.autograd.forward_ad as fwAD

torch.set_num_threads(1)
gen = torch.Generator().manual_seed(20261205)
N = 16 * 50 + 11
PIECE = 15


def hx(t):
    values = t.detach().reshape(-1).tolist()
    return "".join("%08x" % struct.unpack("<I", struct.pack("<f", float(v)))[0] for v in values)


def uniform(n, lo, hi):
    return (torch.rand(n, generator=gen, dtype=torch.float64) * (hi - lo) + lo).float()


def log_uniform(n, lo_exp, hi_exp, signed=True):
    mag = torch.pow(10.0, torch.rand(n, generator=gen, dtype=torch.float64) * (hi_exp - lo_exp) + lo_exp)
    if signed:
        mag = mag * torch.where(torch.rand(n, generator=gen) < 0.5, -1.0, 1.0).double()
    return mag.float()


def normal(n, scale):
    return (torch.randn(n, generator=gen, dtype=torch.float64) * scale).float()


def build(specials, *parts):
    """Specials, then equal shares of the random parts (each a function of the count), shuffled so that the
    specials meet both the vector and the scalar path."""
    m = -(-(N - len(specials)) // len(parts))
    x = torch.cat([torch.tensor(specials, dtype=torch.float32)] + [p(m) for p in parts])[:N]
    assert x.numel() == N, x.numel()
    return x[torch.randperm(N, generator=gen)]


def seq_tensor(mult, div):
    return torch.tensor([((i * mult) % 2001 - 1000) / div for i in range(N)], dtype=torch.float32)


COT = seq_tensor(7919, 256.0)
TAN = seq_tensor(104729, 512.0)

GENERAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 1e-3, -1e-3, 1e-7, 1e-30, -1e-30, 1e-40, -1e-40,
           1.1754944e-38, 3.0, -3.0, 10.0, -10.0]
NONFINITE = [math.inf, -math.inf, math.nan]

# Random parts, each a function of the count it is asked for.
def U(lo, hi): return lambda m: uniform(m, lo, hi)
def L(lo_exp, hi_exp, signed=True): return lambda m: log_uniform(m, lo_exp, hi_exp, signed)
def G(scale): return lambda m: normal(m, scale)
def near(one): return lambda m: (one - math.copysign(1.0, one) * log_uniform(m, -7, -0.5, signed=False).double()).float()


EDGES_ASIN = [0.49999997, 0.50000006, 0.99999994, -0.99999994, 1.0000001]
EDGES_HYP = [88.7, 89.0, 89.00001, -89.0, 90.0, 1e-20]
ops = {
    # A lane at or beyond 125 (or not finite) sends its whole vector of 8 to SLEEF's Payne-Hanek reduction.
    "tan": build(GENERAL + NONFINITE + [1.5707963, -1.5707963, 4.712389, 124.9, -124.9, 125.0, 100.0, 0.7853982, 3e38],
                 U(-124.0, 124.0), L(-30, 38), G(2.0), U(-3.2, 3.2)),
    "atan": build(GENERAL + NONFINITE + [3e38, -3e38, 1e20, 0.9999999, 1.0000001], L(-40, 38), G(3.0), U(-2.0, 2.0), L(-3, 3)),
    "asin": build(GENERAL + NONFINITE + EDGES_ASIN, U(-1.0, 1.0), near(1.0), L(-40, 0), U(-0.6, 0.6)),
    "acos": build(GENERAL + NONFINITE + EDGES_ASIN, U(-1.0, 1.0), near(-1.0), L(-40, 0), U(-0.6, 0.6)),
    "erf": build(GENERAL + NONFINITE + [1.0999999, 1.1, 1.1000001, 2.3999999, 2.4, 2.4000001, 3.9999998, 4.0, 4.0000005, 9.5],
                 G(2.0), U(-5.0, 5.0), L(-40, 0.7), U(-1.2, 1.2)),
    "sinh": build(GENERAL + NONFINITE + EDGES_HYP, U(-95.0, 95.0), G(3.0), L(-40, 0), U(-9.0, 9.0)),
    "cosh": build(GENERAL + NONFINITE + EDGES_HYP, U(-95.0, 95.0), G(3.0), L(-40, 0), U(-9.0, 9.0)),
    "softplus": build(GENERAL + NONFINITE + [19.999998, 20.0, 20.000002, 21.0, -80.0, -88.0, -90.0, -103.9, -104.1, -200.0],
                      G(8.0), U(-100.0, 30.0), L(-40, 1), U(-3.0, 3.0)),
}

POW_EXPONENTS = [1.7, -1.5, 0.3, 2.5, -0.7, 4.0, -3.0, -2.0]
pow_x = build([0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, 1e-40, 1.1754944e-38, 3e38] + NONFINITE,
              L(-20, 20, signed=False), U(0.0, 4.0), U(-3.0, 3.0), L(-3, 3))

FNS = {
    "tan": torch.tan, "atan": torch.atan, "asin": torch.asin, "acos": torch.acos, "erf": torch.erf,
    "sinh": torch.sinh, "cosh": torch.cosh, "softplus": F.softplus,
}
HAS_TAIL = {"sinh", "cosh", "softplus", "pow_scalar"}


def run(fn, x, cot, tan):
    xr = x.clone().requires_grad_(True)
    y = fn(xr)
    (g,) = torch.autograd.grad(y, xr, cot)
    with fwAD.dual_level():
        t = fwAD.unpack_dual(fn(fwAD.make_dual(x, tan))).tangent
    return y.detach(), g, t


def pieces(fn, x):
    parts = [run(fn, x[i:i + PIECE], COT[i:i + PIECE], TAN[i:i + PIECE]) for i in range(0, N, PIECE)]
    return tuple(torch.cat([p[k] for p in parts]) for k in range(3))


def entry(op, params, fn, x):
    e = {"op": op, "params": params, "x": hx(x)}
    modes = {"whole": run(fn, x, COT, TAN)}
    if op in HAS_TAIL:
        modes["tail"] = pieces(fn, x)
    for mode, (y, g, t) in modes.items():
        e[mode] = {"value": hx(y), "vjp": hx(g), "jvp": hx(t)}
    return e


cases = [entry(op, {}, FNS[op], x) for op, x in ops.items()]
for ex in POW_EXPONENTS:
    cases.append(entry("pow_scalar", {"e": ex}, lambda t, ex=ex: torch.pow(t, ex), pow_x))

with open(sys.argv[1], "w") as f:
    json.dump({"torch": torch.__version__, "n": N, "piece": PIECE, "cases": cases}, f, separators=(",", ":"))
print("%d cases" % len(cases), file=sys.stderr)
