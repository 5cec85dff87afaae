"""Vectors for Fluxion's torch.fft ops, torch.roll and complex printing, from real PyTorch 1.13.

Usage: python3 gen_fft.py OUTPUT.json
Complex values are stored in torch.view_as_real layout (a trailing pair re, im), flattened row-major.
"""
import json
import sys

import numpy as np
import torch
import torch.autograd.forward_ad as fwAD

rng = np.random.RandomState(20261204)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def packed(z):
    return flat(torch.view_as_real(z.detach()))


def real_input(shape, dtype):
    return torch.tensor(rng.uniform(-2.0, 2.0, size=shape), dtype=dtype)


def complex_input(shape, dtype):
    pair = torch.tensor(rng.uniform(-2.0, 2.0, size=list(shape) + [2]), dtype=dtype)
    return torch.view_as_complex(pair)


values = []
ops = {"rfft": torch.fft.rfft, "irfft": torch.fft.irfft, "fft": torch.fft.fft, "ifft": torch.fft.ifft}
configs = [
    # (op, shape, n, dim, norm)
    ("rfft", [8], None, -1, "backward"),
    ("rfft", [7], None, -1, "backward"),
    ("rfft", [1], None, -1, "backward"),
    ("rfft", [2, 3, 10], None, -1, "ortho"),
    ("rfft", [9], 6, -1, "forward"),
    ("rfft", [9], 16, -1, "ortho"),
    ("rfft", [5, 4], 7, 0, "backward"),
    ("rfft", [3, 6, 2], None, 1, "forward"),
    ("rfft", [2, 100], None, -1, "backward"),
    ("rfft", [256], None, -1, "ortho"),
    ("rfft", [97], None, -1, "backward"),
    ("irfft", [5], None, -1, "backward"),
    ("irfft", [4], 7, -1, "backward"),
    ("irfft", [6], 6, -1, "ortho"),
    ("irfft", [6], 15, -1, "forward"),
    ("irfft", [3, 5, 2], None, 1, "ortho"),
    ("irfft", [2, 33], None, -1, "backward"),
    ("fft", [8], None, -1, "backward"),
    ("fft", [2, 6], None, -1, "ortho"),
    ("fft", [5, 3], 4, 0, "forward"),
    ("fft", [10], 13, -1, "backward"),
    ("fft", [2, 70], None, -1, "backward"),
    ("ifft", [8], None, -1, "backward"),
    ("ifft", [3, 7], None, 0, "ortho"),
    ("ifft", [9], 5, -1, "forward"),
    ("ifft", [2, 65], None, -1, "backward"),
]
for dtype, dname in ((torch.float32, "float32"), (torch.float64, "float64")):
    for op, shape, n, dim, norm in configs:
        x = complex_input(shape, dtype) if op in ("irfft", "ifft") or (op == "fft" and len(values) % 2 == 0) else real_input(shape, dtype)
        y = ops[op](x, n=n, dim=dim, norm=norm)
        cplx_in = x.is_complex()
        values.append({
            "op": op, "dtype": dname, "shape": shape, "n": n, "dim": dim, "norm": norm,
            "complexInput": cplx_in,
            "input": packed(x) if cplx_in else flat(x),
            "outShape": list(y.shape),
            "output": packed(y) if y.is_complex() else flat(y),
            "complexOutput": y.is_complex(),
        })


def spectral_l2_fft(y_pred, y_target, n_fft=None):
    if n_fft is None:
        n_fft = y_pred.shape[-1]
    mp = torch.fft.rfft(y_pred, n=n_fft, dim=-1, norm="ortho").abs()
    mt = torch.fft.rfft(y_target, n=n_fft, dim=-1, norm="ortho").abs()
    return ((mp - mt) ** 2).mean()


grads = []
for dtype, dname in ((torch.float32, "float32"), (torch.float64, "float64")):
    for shape, n_fft in (([32], None), ([3, 10], None), ([2, 9], 16), ([11], 6), ([16], None), ([12], None),
                         ([4, 37], None), ([70], None), ([5, 20], 26)):
        pred = real_input(shape, dtype).requires_grad_()
        target = real_input(shape, dtype)
        if shape in ([16], [12]):
            # Exact zero bins (a constant signal of length 16 or 12) in in the prediction exercises |z|'s zero subgradient.
            pred = torch.ones(shape, dtype=dtype).requires_grad_()
        loss = spectral_l2_fft(pred, target, n_fft)
        loss.backward()
        tangent = real_input(shape, dtype)
        with fwAD.dual_level():
            jvp = fwAD.unpack_dual(spectral_l2_fft(fwAD.make_dual(pred.detach(), tangent), target, n_fft)).tangent.item()
        grads.append({"kind": "spectral_l2_fft", "dtype": dname, "shape": shape, "n": n_fft,
                      "pred": flat(pred), "target": flat(target), "loss": loss.item(), "grad": flat(pred.grad),
                      "tangent": flat(tangent), "jvp": jvp})
    # Gradients through complex inputs, returned in view_as_real layout.
    for op, shape, n, norm in (("irfft", [6], None, "backward"), ("irfft", [5], 9, "ortho"), ("irfft", [4], 5, "forward"),
                               ("fft", [7], None, "ortho"), ("ifft", [6], 4, "backward")):
        z = complex_input(shape, dtype).requires_grad_()
        out = ops[op](z, n=n, norm=norm)
        w = real_input(list(out.shape), dtype)
        loss = (out.real * w).sum() + ((out.imag * w).sum() if out.is_complex() else 0.0)
        loss.backward()
        grads.append({"kind": op, "dtype": dname, "shape": shape, "n": n, "norm": norm,
                      "input": packed(z), "weights": flat(w), "loss": loss.item(), "grad": packed(z.grad)})
    # abs and angle run full vector chunks (8 complex64 or 4 complex128 elements) and a scalar tail, so the
    # lengths cover pure tails, chunks with tails and exact chunks; each input ends in a zero.
    for kind in ("abs", "angle"):
        for shape in ([6], [2, 13], [37], [16]):
            count = int(np.prod(shape))
            z = complex_input([count - 1], dtype)
            z = torch.cat([z, torch.zeros(1, dtype=z.dtype)]).reshape(shape).requires_grad_()
            out = z.abs() if kind == "abs" else z.angle()
            w = real_input(shape, dtype)
            loss = (out * w).sum()
            loss.backward()
            grads.append({"kind": kind, "dtype": dname, "shape": shape, "input": packed(z), "weights": flat(w),
                          "output": flat(out), "loss": loss.item(), "grad": packed(z.grad)})

rolls = []
base = torch.arange(24.0).reshape(2, 3, 4)
for shifts, dims in ((1, None), (-5, None), (30, None), ((1, -1), (0, 2)), ((2,), (1,)), ((-7, 3, 1), (2, 0, 1)), ((1, 1), (2, 2))):
    y = torch.roll(base, shifts, dims) if dims is not None else torch.roll(base, shifts)
    rolls.append({"shifts": list(shifts) if isinstance(shifts, tuple) else [shifts],
                  "dims": list(dims) if dims is not None else [], "output": flat(y)})

reprs = []
L = 32
t = torch.arange(L) / L
x_base = 1 * torch.sin(2 * torch.pi * 1 * t) + 0.5 * torch.sin(2 * torch.pi * 3 * t)
for name, z in (
    ("rfft_int", torch.fft.rfft(torch.tensor([1.0, 2.0, 3.0, 4.0]))),
    ("rfft_odd", torch.fft.rfft(torch.tensor([1.0, 2.0, 3.5, 4.0, 7.0]))),
    ("rfft_f64", torch.fft.rfft(torch.tensor([1.0, 2.0, 3.5, 4.0, 7.0], dtype=torch.float64))),
    ("rfft_grad", torch.fft.rfft(torch.tensor([1.0, 2.0, 3.5, 4.0, 7.0], requires_grad=True))),
    ("rfft_wide", torch.fft.rfft(torch.tensor([1e5, 2.0, 3.5, 4.0, 7.0]))),
    ("fft_2d", torch.fft.fft(torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -3.0]]))),
    ("rfft_base", torch.fft.rfft(x_base, norm="ortho")),
    ("complex_negzero", torch.complex(torch.tensor([1.0, 2.0]), torch.tensor([3.0, -0.0]))),
    ("zeros", torch.zeros(3, dtype=torch.complex64)),
    ("leaf_requires_grad", torch.tensor([1 + 2j, 3 - 1j], requires_grad=True)),
    ("leaf_requires_grad_f64", torch.tensor([1 + 2j, 3 - 1j], dtype=torch.complex128, requires_grad=True)),
    ("empty", torch.fft.rfft(torch.zeros(0, 4))),
    ("summarized", torch.fft.rfft(torch.arange(2000.0))),
):
    reprs.append({"name": name, "input": packed(z), "shape": list(z.shape),
                  "dtype": "float64" if z.dtype == torch.complex128 else "float32",
                  "gradFn": type(z.grad_fn).__name__ if z.grad_fn is not None else None,
                  "requiresGrad": z.requires_grad and z.grad_fn is None, "repr": repr(z)})

with open(sys.argv[1], "w") as f:
    json.dump({"torch": torch.__version__, "values": values, "grads": grads, "rolls": rolls, "reprs": reprs}, f)
