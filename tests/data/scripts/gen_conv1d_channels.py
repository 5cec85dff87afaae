"""Float32 conv1d with several channels (and groups) from PyTorch 1.13 on Debian (oneDNN 2.6.3, one intra-op
thread): outputs, input/weight/bias gradients and the forward-mode tangent, for the managed kernels' oneDNN-order
tests (tests/Core.Tests/Nn/Conv1dChannelsTests.fs).

Usage: /usr/bin/python3 gen_conv1d_channels.py OUT   (OUT: tests/data/conv1d_channels.json)
"""
import json
import struct
import sys

import torch
import torch.autograd.forward_ad as fwAD
import torch.nn.functional as F

torch.set_num_threads(1)

# (batch, in channels, length, out channels, taps, stride, padding, dilation, groups)
CASES = [
    # jit:avx512_core direct convolution (ungrouped, at most 16 input channels)
    (2, 3, 10, 4, 3, 1, 0, 1, 1),
    (3, 2, 16, 5, 5, 1, 2, 1, 1),
    (4, 8, 50, 6, 3, 1, 1, 1, 1),
    (8, 4, 64, 8, 7, 1, 3, 1, 1),
    (2, 16, 30, 16, 3, 1, 1, 1, 1),
    (4, 1, 50, 8, 5, 1, 2, 1, 1),
    (4, 8, 50, 1, 5, 1, 2, 1, 1),
    (2, 3, 40, 4, 3, 2, 1, 1, 1),
    (2, 3, 40, 4, 3, 1, 2, 2, 1),
    (4, 3, 100, 5, 12, 1, 4, 1, 1),
    (2, 3, 600, 5, 7, 1, 3, 1, 1),
    (32, 1, 100, 1, 5, 1, 2, 1, 1),
    # from 15 taps the weight gradient is x64:gemm:jit (smalln_tn for 2 to 15 output channels)
    (3, 4, 60, 6, 15, 1, 7, 1, 1),
    (3, 4, 61, 6, 21, 1, 10, 1, 1),
    # grouped: x64:gemm:jit (gemv_t for one output channel per group)
    (1, 4, 9, 6, 2, 2, 1, 2, 2),
    (2, 4, 30, 6, 3, 1, 1, 1, 2),
    (3, 6, 50, 6, 5, 1, 2, 1, 3),
    (2, 8, 100, 4, 3, 1, 1, 1, 2),
    (2, 6, 20, 3, 3, 1, 1, 1, 3),
    (3, 8, 40, 2, 4, 1, 2, 1, 2),
]


def hexes(t):
    return "".join(format(struct.unpack("<I", struct.pack("<f", v))[0], "08x") for v in t.detach().flatten().tolist())


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_conv1d_channels.py OUT")
    g = torch.Generator().manual_seed(61)
    cases = []
    for nb, cin, length, cout, k, stride, padding, dilation, groups in CASES:
        x = torch.randn(nb, cin, length, generator=g).requires_grad_()
        w = torch.randn(cout, cin // groups, k, generator=g).requires_grad_()
        b = torch.randn(cout, generator=g).requires_grad_()
        y = F.conv1d(x, w, b, stride, padding, dilation, groups)
        gy = torch.randn(y.shape, generator=g)
        dx, dw, db = torch.autograd.grad(y, [x, w, b], gy)
        tx, tw, tb = (torch.randn(t.shape, generator=g) for t in (x, w, b))
        with fwAD.dual_level():
            yd = F.conv1d(fwAD.make_dual(x.detach(), tx), fwAD.make_dual(w.detach(), tw), fwAD.make_dual(b.detach(), tb),
                          stride, padding, dilation, groups)
            jvp = fwAD.unpack_dual(yd).tangent
        cases.append({"shape": [nb, cin, length, cout, k], "stride": stride, "padding": padding, "dilation": dilation,
                      "groups": groups, "x": hexes(x), "w": hexes(w), "b": hexes(b), "y": hexes(y), "gy": hexes(gy),
                      "dx": hexes(dx), "dw": hexes(dw), "db": hexes(db), "tx": hexes(tx), "tw": hexes(tw),
                      "tb": hexes(tb), "jvp": hexes(jvp)})
    with open(sys.argv[1], "w", encoding="utf-8", newline="\n") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
