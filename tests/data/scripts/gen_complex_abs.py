"""Bit patterns of torch 1.13's complex abs (value and VJP) and angle (value) for complex64 and complex128
inputs, for the managed backend's exactness test. angle runs SLEEF atan2 on the same full chunks and the C
library's atan2 on the tail.

torch's AVX2 abs kernel computes sqrt(re*re + im*im) in the element type on full chunks (8 complex64 or 4
complex128 elements) and std::abs (glibc hypotf/hypot) on the remaining tail, so the lengths below cover
pure tails, exact chunks and chunks plus tails. Inputs mix random magnitudes (wide exponent range), zeros of
both signs, infinities, NaN and values whose squares overflow or underflow. The cotangent of element i is
((i * 7919) % 2001 - 1000) / 256 (exact in both dtypes) and is not stored.

One intra-op thread, so that no parallel chunking moves the chunk/tail boundaries.

Usage: /usr/bin/python3 gen_complex_abs.py OUT.json
"""
import json
import struct
import sys

import torch

torch.set_num_threads(1)
gen = torch.Generator().manual_seed(20261204)
LENGTHS = [1, 3, 4, 7, 8, 11, 16, 21, 805]


def hx(t):
    if t.dtype == torch.float32:
        return ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]
    return ["%016x" % struct.unpack("<Q", struct.pack("<d", v))[0] for v in t.tolist()]


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
        cases.append({
            "dtype": "float64" if dtype == torch.float64 else "float32",
            "n": n,
            "input": hx(x.reshape(-1)),
            "abs": hx(a.detach()),
            "angle": hx(torch.angle(z.detach())),
            "grad": hx(torch.view_as_real(z.grad).reshape(-1)),
        })

with open(sys.argv[1], "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=0)
