"""Float32 matrix products of torch 1.13 (Debian: reference BLAS, every element an in-order, unfused sum) at the
sizes and layouts a small network uses, with their gradients, as hex bit patterns: Linear forward and backward
(addmm, mm), mm, mv, dot (value, gradients and forward-mode tangent) and the batch-folding matmul cases
(3-D @ 2-D and 2-D @ 3-D, 3-D @ 1-D and 1-D @ 3-D, where PyTorch multiplies once with the batch in the rows).

Each case: op name, inputs (shape + bits), the cotangent, PyTorch's value and one gradient per input; dot also
has tangents and its JVP.

Usage: /usr/bin/python3 gen_matmul_orders.py OUT.json
"""
import json
import struct
import sys

import torch
import torch.nn.functional as F
import torch.autograd.forward_ad as fwAD

gen = torch.Generator().manual_seed(20261205)


def hx(t):
    return "".join("%08x" % struct.unpack("<I", struct.pack("<f", float(v)))[0] for v in t.detach().reshape(-1).tolist())


def randn(*shape):
    return torch.randn(shape, generator=gen).float()


def relu_like(*shape):
    """Activations after a ReLU: half of them exactly zero, as the products of a trained MLP see them."""
    return torch.relu(randn(*shape))


FNS = {
    "linear": lambda x, w, b: F.linear(x, w, b),
    "matmul": lambda a, b: torch.matmul(a, b),
}


def case(op, inputs, jvp=False):
    xs = [x.clone().requires_grad_(True) for x in inputs]
    y = FNS[op](*xs)
    g = randn(*y.shape)
    grads = torch.autograd.grad(y, xs, g)
    c = {
        "op": op,
        "inputs": [{"shape": list(x.shape), "bits": hx(x)} for x in inputs],
        "cotangent": hx(g),
        "value": {"shape": list(y.shape), "bits": hx(y)},
        "vjp": [hx(gr) for gr in grads],
    }
    if jvp:
        tangents = [randn(*x.shape) for x in inputs]
        with fwAD.dual_level():
            duals = [fwAD.make_dual(x, t) for x, t in zip(inputs, tangents)]
            t = fwAD.unpack_dual(FNS[op](*duals)).tangent
        c["tangents"] = [hx(t) for t in tangents]
        c["jvp"] = hx(t)
    return c


cases = []
# Linear layers of Unit 7's exercise 4 (batch 64) and wider ones (64 * 128 * 64 = 2^19 multiply-adds; the
# managed in-order kernel takes products up to 2^21).
for (rows, fin, fout) in [(64, 2, 32), (64, 32, 32), (64, 32, 16), (64, 16, 3), (150, 32, 32), (64, 128, 64), (37, 45, 19)]:
    x = randn(rows, fin) if fin == 2 else relu_like(rows, fin)
    cases.append(case("linear", [x, randn(fout, fin) * 0.2, randn(fout) * 0.1]))
for (sa, sb) in [((60, 100), (100, 40)), ((7, 300), (300, 10)), ((20, 300), (300,)), ((300,), (300, 9)),
                 ((4, 16, 32), (32, 8)), ((3, 5, 40), (40,)), ((8, 32), (4, 32, 16)), ((40,), (3, 40, 6)),
                 ((2, 3, 4, 9), (9, 5)), ((5, 9), (2, 3, 9, 4)), ((3, 6, 10), (3, 10, 7))]:
    cases.append(case("matmul", [randn(*sa), randn(*sb)]))
for k in [4, 33, 1000]:
    cases.append(case("matmul", [randn(k), randn(k)], jvp=True))

with open(sys.argv[1], "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print("%d cases" % len(cases), file=sys.stderr)
