"""Float32 outputs and input gradients of torch 1.13's nn.Softmax / nn.LogSoftmax modules over dims 0, 1 and -1
of several shapes (last-dim kernel and the non-last-dim kernel with inner sizes below, at and past the 8-lane
vector width), as hex bit patterns.

Every case stays far below ATen's parallel grain size, so the kernels run in one chunk whatever the thread count.

Usage: /usr/bin/python3 gen_softmax_modules.py OUT.json
"""
import json
import struct
import sys

import torch
import torch.nn as nn


def hx(t):
    return ["0x%08x" % struct.unpack("<I", struct.pack("<f", float(v)))[0] for v in t.detach().reshape(-1).tolist()]


g = torch.Generator().manual_seed(2024)
SHAPES = [(7,), (3, 5), (5, 19), (3, 4, 5), (2, 3, 17), (4, 10, 9), (2, 6, 8), (3, 2, 4, 5), (2, 40, 3), (6, 33), (2, 3, 130)]
cases = []
for shape in SHAPES:
    x = torch.randn(shape, generator=g) * 3
    for dim in (0, 1, -1):
        if dim >= len(shape):
            continue
        for name, cls in (("Softmax", nn.Softmax), ("LogSoftmax", nn.LogSoftmax)):
            xi = x.clone().requires_grad_(True)
            y = cls(dim=dim)(xi)
            gy = torch.randn(shape, generator=g)
            y.backward(gy)
            cases.append({"module": name, "dim": dim, "shape": list(shape), "input": hx(x), "output": hx(y),
                          "grad_output": hx(gy), "grad_input": hx(xi.grad)})

with open(sys.argv[1], "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
