"""torch 1.13's MaxPool1d(ceil_mode=True) and AvgPool1d(ceil_mode, count_include_pad): outputs, input gradients of
sum(out * w) and reprs, in float64 and (AvgPool1d) float32.  Usage: gen_pool_ceil.py OUT.json"""
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
# AvgPool1d: the three non-default combinations of ceil_mode and count_include_pad (and the default for reference),
# windows that overlap (k > stride), end in the padding, or are cut by ceil mode; float32 sums round as in ATen.
g = torch.Generator().manual_seed(16)
x32 = torch.randn(2, 3, 11, generator=g, dtype=torch.float32)
avg_cases = []
for dtype, xin in [('float64', x), ('float32', x32)]:
    for k, s, p in [(2, 2, 0), (3, 2, 1), (4, 3, 2), (3, 4, 0), (2, 2, 1), (4, 1, 2), (5, 3, 1), (1, 2, 0)]:
        for length in (9, 8):
            for ceil_mode, count_include_pad in [(False, True), (True, True), (True, False), (False, False)]:
                xi = xin[..., :length].clone().requires_grad_(True)
                m = torch.nn.AvgPool1d(k, stride=s, padding=p, ceil_mode=ceil_mode, count_include_pad=count_include_pad)
                y = m(xi)
                w = torch.arange(1, y.numel() + 1, dtype=xi.dtype).reshape(y.shape) / 7
                (y * w).sum().backward()
                avg_cases.append({'dtype': dtype, 'kernel': k, 'stride': s, 'padding': p, 'length': length,
                                  'ceil_mode': ceil_mode, 'count_include_pad': count_include_pad, 'repr': repr(m),
                                  'shape': list(y.shape), 'out': y.detach().double().flatten().tolist(),
                                  'grad': xi.grad.double().flatten().tolist()})
with open(sys.argv[1], 'w') as f:
    json.dump({'torch': torch.__version__, 'input': x.flatten().tolist(), 'cases': cases,
               'avg_input32': x32.double().flatten().tolist(), 'avg_input32_shape': list(x32.shape),
               'avg_cases': avg_cases}, f, indent=1)
