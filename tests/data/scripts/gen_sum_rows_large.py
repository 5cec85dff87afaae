"""torch 1.13's sum(dim=0) of tall float32/float64 (rows, cols) blocks, as the bias gradients of W5/W6-sized linear
layers take it: the inputs are x[r, c] = ((r * 131 + c * 71) % 997 - 498) / 997 rounded to the dtype (rebuilt by
the test, so only the sums are stored, as hex bits).  Usage: gen_sum_rows_large.py OUT.json"""
import json
import struct
import sys

import torch


def hx32(t):
    return ['0x%08x' % struct.unpack('<I', struct.pack('<f', v))[0] for v in t.flatten().tolist()]


def hx64(t):
    return ['0x%016x' % struct.unpack('<Q', struct.pack('<d', v))[0] for v in t.flatten().tolist()]


torch.set_num_threads(1)
cases = []
for rows, cols, dtype in [(1024, 256, 'float32'), (256, 512, 'float32'), (4100, 40, 'float32'), (300, 33, 'float32'),
                          (70000, 32, 'float32'), (1500, 64, 'float64'), (257, 20, 'float64')]:
    r = torch.arange(rows, dtype=torch.int64).reshape(rows, 1)
    c = torch.arange(cols, dtype=torch.int64).reshape(1, cols)
    x = (((r * 131 + c * 71) % 997 - 498).double() / 997).to(getattr(torch, dtype))
    s = x.sum(0)
    cases.append({'rows': rows, 'cols': cols, 'dtype': dtype, 'sum0': hx32(s) if dtype == 'float32' else hx64(s)})

with open(sys.argv[1], 'w') as f:
    json.dump({'about': 'torch %s sum(dim=0) of x[r, c] = ((131 r + 71 c) %% 997 - 498) / 997' % torch.__version__,
               'cases': cases}, f, indent=1)
