"""Bit-exact vectors for Fluxion's torch.fft ops, from real PyTorch 1.13 (CPU, pocketfft).

Usage: python3 gen_fft_exact.py OUTPUT.json
For every length in LENGTHS and both dtypes: one real and one complex input row, and the outputs of
rfft, irfft (the first n//2+1 complex values as bins, n points out), fft and ifft of the complex row, and
(for lengths up to 64) fft and ifft of the real row. The norm cycles over backward, ortho and forward by
length so every mode meets every kind of length. Complex values are in torch.view_as_real layout
(re, im pairs). float64 numbers are printed with repr (exact); float32 numbers with the shortest decimal
that parses back to the same float32 (the test parses them as float32).
"""
import json
import sys

import numpy as np
import torch

rng = np.random.RandomState(1613)
LENGTHS = list(range(1, 65)) + [96, 97, 100, 128, 256, 360, 1000, 1009]
NORMS = ["backward", "ortho", "forward"]


def flat(t):
    t = t.detach().reshape(-1)
    if t.dtype == torch.float32:
        # Shortest repr that round-trips as float32 (read back with a float32 parse): half the size.
        return [float(str(np.float32(v))) for v in t.numpy()]
    return [float(v) for v in t.tolist()]


def packed(z):
    return flat(torch.view_as_real(z.detach().resolve_conj()))


cases = []
for dtype, dname in ((torch.float32, "float32"), (torch.float64, "float64")):
    for idx, n in enumerate(LENGTHS):
        x = torch.tensor(rng.uniform(-2.0, 2.0, size=n), dtype=dtype)
        z = torch.view_as_complex(torch.tensor(rng.uniform(-2.0, 2.0, size=(n, 2)), dtype=dtype))
        bins = z[: n // 2 + 1]
        norm = lambda k: NORMS[(idx + k) % 3]
        entry = {"dtype": dname, "n": n, "real": flat(x), "complex": packed(z),
                 "rfftNorm": norm(0), "rfft": packed(torch.fft.rfft(x, norm=norm(0))),
                 "irfftNorm": norm(1), "irfft": flat(torch.fft.irfft(bins, n=n, norm=norm(1))),
                 "fftNorm": norm(2), "fft": packed(torch.fft.fft(z, norm=norm(2))),
                 "ifftNorm": norm(0), "ifft": packed(torch.fft.ifft(z, norm=norm(0)))}
        if n <= 64:
            entry["fftRealNorm"] = norm(1)
            entry["fftReal"] = packed(torch.fft.fft(x, norm=norm(1)))
            entry["ifftRealNorm"] = norm(2)
            entry["ifftReal"] = packed(torch.fft.ifft(x, norm=norm(2)))
        cases.append(entry)

# Gradients: each op is linear, so the gradient of sum(view_as_real(out) * w) (or sum(out * w) for a real
# output) depends only on w; w's own gradient path multiplies by ones, so the vectors check torch's
# backward formulas (fft_r2c_backward, fft_c2r_backward, the c2c of the gradient) bit for bit.
GRAD_LENGTHS = list(range(1, 13)) + [15, 16, 31, 32, 33, 60, 64, 97, 100]
grads = []
for dtype, dname in ((torch.float32, "float32"), (torch.float64, "float64")):
    for idx, n in enumerate(GRAD_LENGTHS):
        norm = lambda k: NORMS[(idx + k) % 3]
        entry = {"dtype": dname, "n": n}
        for k, (op, cplx_in) in enumerate((("rfft", False), ("irfft", True), ("fft", True), ("ifft", True),
                                           ("fftReal", False), ("ifftReal", False))):
            size = n // 2 + 1 if op == "irfft" else n
            if cplx_in:
                x = torch.view_as_complex(torch.tensor(rng.uniform(-2.0, 2.0, size=(size, 2)), dtype=dtype)).requires_grad_()
            else:
                x = torch.tensor(rng.uniform(-2.0, 2.0, size=size), dtype=dtype).requires_grad_()
            fn = {"rfft": torch.fft.rfft, "irfft": torch.fft.irfft, "fft": torch.fft.fft, "ifft": torch.fft.ifft,
                  "fftReal": torch.fft.fft, "ifftReal": torch.fft.ifft}[op]
            kw = {"n": n} if op == "irfft" else {}
            out = fn(x, norm=norm(k), **kw)
            outr = torch.view_as_real(out.resolve_conj()) if out.is_complex() else out
            w = torch.tensor(rng.uniform(-2.0, 2.0, size=list(outr.shape)), dtype=dtype)
            (outr * w).sum().backward()
            entry[op + "Norm"] = norm(k)
            entry[op + "W"] = flat(w)
            entry[op + "Grad"] = packed(x.grad) if cplx_in else flat(x.grad)
        grads.append(entry)

with open(sys.argv[1], "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases, "grads": grads}, f, separators=(",", ":"))
