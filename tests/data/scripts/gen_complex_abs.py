"""Bit patterns of torch 1.13's complex abs and angle (values and VJPs) for complex64 and complex128 inputs,
for the managed backend's exactness test. angle runs SLEEF atan2 on the same full chunks and the C library's
atan2 on the tail; its backward (angle_backward) divides by |z|.pow(2), so it sees abs's chunk/tail split too.

torch's AVX2 abs kernel computes sqrt(re*re + im*im) in the element type on full chunks (8 complex64 or 4
complex128 elements) and std::abs (glibc hypotf/hypot) on the remaining tail, so the lengths below cover
pure tails, exact chunks and chunks plus tails. Inputs mix random magnitudes (wide exponent range), zeros of
both signs, infinities, NaN and values whose squares overflow or underflow. The cotangent of element i is
((i * 7919) % 2001 - 1000) / 256 (exact in both dtypes) and is not stored; angle's VJP uses the same one. angle's
and abs's forward-mode derivatives (angleJvp, absJvp) are taken along a stored random tangent.

"singles" holds TAIL_COUNT random inputs per dtype, each run as a one-element tensor (so through the scalar
tail: glibc hypot/hypotf and atan2/atan2f, c10::complex arithmetic) with a random cotangent, stored.

"angleHard" holds inputs where SLEEF's atan2 and the C library's disagree in the last bit (found among
HARD_SEARCH random inputs per dtype, a multiple of both chunk sizes; the first HARD_KEEP are kept), laid out
once as whole chunks and once as the tails of short tensors.

One intra-op thread, so that no parallel chunking moves the chunk/tail boundaries.

Usage: /usr/bin/python3 gen_complex_abs.py OUT.json
"""
import json
import struct
import sys

import torch
import torch.autograd.forward_ad as fwAD

torch.set_num_threads(1)
gen = torch.Generator().manual_seed(20261204)
LENGTHS = [1, 3, 4, 7, 8, 11, 16, 21, 805]


def hx(t):
    if t.dtype == torch.float32:
        return ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]
    return ["%016x" % struct.unpack("<Q", struct.pack("<d", v))[0] for v in t.tolist()]


def jvp(f, x, t):
    """f's forward-mode derivative at the packed x along the packed tangent t."""
    with fwAD.dual_level():
        z = fwAD.make_dual(torch.view_as_complex(x.clone()), torch.view_as_complex(t.clone()))
        return fwAD.unpack_dual(f(z)).tangent.clone()


def parts(n, dtype, spread):
    mag = torch.exp((torch.rand(n, 2, generator=gen, dtype=torch.float64) * 2 - 1) * spread)
    v = (torch.randn(n, 2, generator=gen, dtype=torch.float64) * mag).to(dtype)
    big = 3.0e38 if dtype == torch.float32 else 1.0e300
    tiny = 1.0e-40 if dtype == torch.float32 else 1.0e-310
    special = [0.0, -0.0, float("inf"), -float("inf"), float("nan"), big, -big, tiny, 1.0, -3.0]
    for i in range(0, n, 3):
        v[i, i % 2] = special[(i // 3) % len(special)]
    return v


cases = []
for dtype, spread in [(torch.float32, 40.0), (torch.float64, 300.0)]:
    for n in LENGTHS:
        x = parts(n, dtype, spread)
        z = torch.view_as_complex(x.clone()).requires_grad_(True)
        a = z.abs()
        w = torch.tensor([((i * 7919) % 2001 - 1000) / 256 for i in range(n)], dtype=dtype)
        (a * w).sum().backward()
        za = torch.view_as_complex(x.clone()).requires_grad_(True)
        (torch.angle(za) * w).sum().backward()
        t = torch.randn(n, 2, generator=gen, dtype=torch.float64).to(dtype)
        cases.append({
            "dtype": "float64" if dtype == torch.float64 else "float32",
            "n": n,
            "input": hx(x.reshape(-1)),
            "abs": hx(a.detach()),
            "angle": hx(torch.angle(z.detach())),
            "grad": hx(torch.view_as_real(z.grad).reshape(-1)),
            "angleGrad": hx(torch.view_as_real(za.grad).reshape(-1)),
            "tangent": hx(t.reshape(-1)),
            "angleJvp": hx(jvp(torch.angle, x, t)),
            "absJvp": hx(jvp(torch.abs, x, t)),
        })

TAIL_COUNT = 400
singles = []
for dtype in (torch.float32, torch.float64):
    x = torch.randn(TAIL_COUNT, 2, generator=gen, dtype=torch.float64)
    x = (x * torch.exp(torch.rand(TAIL_COUNT, 2, generator=gen, dtype=torch.float64) * 8 - 4)).to(dtype)
    w = torch.randn(TAIL_COUNT, generator=gen, dtype=torch.float64).to(dtype)
    t = torch.randn(TAIL_COUNT, 2, generator=gen, dtype=torch.float64).to(dtype)
    out = {k: [] for k in ("abs", "angle", "grad", "angleGrad", "angleJvp", "absJvp")}
    for i in range(TAIL_COUNT):
        z = torch.view_as_complex(x[i:i + 1].clone()).requires_grad_(True)
        a = z.abs()
        (a * w[i:i + 1]).sum().backward()
        za = torch.view_as_complex(x[i:i + 1].clone()).requires_grad_(True)
        g = torch.angle(za)
        (g * w[i:i + 1]).sum().backward()
        out["abs"].append(a.detach())
        out["angle"].append(g.detach())
        out["grad"].append(torch.view_as_real(z.grad).reshape(-1))
        out["angleGrad"].append(torch.view_as_real(za.grad).reshape(-1))
        out["angleJvp"].append(jvp(torch.angle, x[i:i + 1], t[i:i + 1]))
        out["absJvp"].append(jvp(torch.abs, x[i:i + 1], t[i:i + 1]))
    singles.append({"dtype": "float64" if dtype == torch.float64 else "float32", "input": hx(x.reshape(-1)),
                    "weights": hx(w), "tangent": hx(t.reshape(-1)), **{k: hx(torch.cat(v)) for k, v in out.items()}})

HARD_SEARCH = 200000
HARD_KEEP = 512
hard = []
for dtype, chunk in [(torch.float32, 8), (torch.float64, 4)]:
    x = torch.randn(HARD_SEARCH, 2, generator=gen, dtype=torch.float64).to(dtype)
    x *= torch.exp(torch.rand(HARD_SEARCH, 2, generator=gen, dtype=torch.float64) * 6 - 3).to(dtype)
    sleef = torch.angle(torch.view_as_complex(x))
    # One element alone is a pure tail, so it goes through the C library's atan2.
    libm = torch.stack([torch.angle(torch.view_as_complex(x[i:i + 1].clone()))[0] for i in range(HARD_SEARCH)])
    differ = x[sleef != libm]
    found = len(differ)
    pick = differ[:HARD_KEEP]
    pairs = []
    for start in range(0, min(len(pick), 3 * (chunk - 1)), chunk - 1):
        part = pick[start:start + chunk - 1]
        pairs.append({"input": hx(part.reshape(-1)), "angle": hx(torch.angle(torch.view_as_complex(part.clone())))})
    hard.append({
        "dtype": "float64" if dtype == torch.float64 else "float32",
        "searched": HARD_SEARCH,
        "differing": found,
        "input": hx(pick.reshape(-1)),
        "angle": hx(torch.angle(torch.view_as_complex(pick.clone()))),
        "tails": pairs,
    })

with open(sys.argv[1], "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases, "singles": singles, "angleHard": hard}, f, indent=0)
