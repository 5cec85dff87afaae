"""Single-channel float32 conv1d forward outputs and weight gradients from PyTorch 1.13 (Debian: oneDNN 2.6.3
for batches of 2 and more, PyTorch's native path for one signal), for the managed kernel's oneDNN-order tests.

Usage: /usr/bin/python3 gen_conv1d_onednn.py OUT   (OUT: tests/data/conv1d_onednn.json)
"""
import json
import sys

import torch

# (batch, length, taps, padding): output lengths with and without full 16-term blocks and every remainder;
# oneDNN computes the weight gradient with x64:gemm:jit from 15 taps on, with jit:avx512_core below.
CASES = [(3, 37, 5, 2), (2, 23, 3, 0), (4, 15, 7, 3), (8, 256, 21, 10), (16, 40, 1, 0), (1, 64, 5, 2), (2, 300, 31, 15),
         (2, 37, 21, 10), (3, 20, 15, 0), (1, 256, 21, 10)]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_conv1d_onednn.py OUT")
    g = torch.Generator().manual_seed(6)
    cases = []
    for nb, length, k, pad in CASES:
        x = torch.randn(nb, 1, length, generator=g)
        w = (torch.randn(1, 1, k, generator=g) * 0.3).requires_grad_()
        y = torch.nn.functional.conv1d(x, w, padding=pad)
        gy = torch.randn(y.shape, generator=g)
        y.backward(gy)
        flat = lambda t: [float(v) for v in t.detach().flatten()]
        cases.append({"batch": nb, "length": length, "taps": k, "padding": pad, "x": flat(x), "w": flat(w),
                      "gy": flat(gy), "y": flat(y), "gw": flat(w.grad)})
    with open(sys.argv[1], "w", encoding="utf-8", newline="\n") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
