"""torch 1.13's MaxPool1d(ceil_mode=True): outputs, input gradients of sum(out * w) and reprs.  Usage: gen_pool_ceil.py OUT.json"""
import json
import sys

import torch

x = torch.tensor([[[0.3, -1.2, 2.0, 0.7, -0.5, 0.1, 1.1, 1.4, -2.2],
                   [1.5, 0.2, -0.3, 0.9, 0.9, -1.7, 0.4, 2.5, 0.6]]], dtype=torch.float64)
cases = []
for k, s, p, d in [(2, 2, 0, 1), (3, 2, 1, 1), (2, 3, 1, 2), (4, 3, 2, 1), (3, 4, 0, 1), (2, 2, 1, 1)]:
    for length in (9, 8):
        xi = x[..., :length].clone().requires_grad_(True)
        m = torch.nn.MaxPool1d(k, stride=s, padding=p, dilation=d, ceil_mode=True)
        y = m(xi)
        w = torch.arange(1, y.numel() + 1, dtype=torch.float64).reshape(y.shape)
        (y * w).sum().backward()
        cases.append({'kernel': k, 'stride': s, 'padding': p, 'dilation': d, 'length': length, 'repr': repr(m),
                      'shape': list(y.shape), 'out': y.detach().flatten().tolist(), 'grad': xi.grad.flatten().tolist()})
with open(sys.argv[1], 'w') as f:
    json.dump({'torch': torch.__version__, 'input': x.flatten().tolist(), 'cases': cases}, f, indent=1)
