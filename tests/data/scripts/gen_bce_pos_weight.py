"""torch 1.13's nn.BCEWithLogitsLoss with pos_weight and/or weight: float32 values and input gradients (as hex bits)
for each reduction, and the messages for a pos_weight or weight of the wrong length.  Usage: gen_bce_pos_weight.py OUT.json"""
import json
import struct
import sys

import torch


def hx(t):
    return ['0x%08x' % struct.unpack('<I', struct.pack('<f', v))[0] for v in t.detach().flatten().tolist()]


g = torch.Generator().manual_seed(1609)
cases = []
for shape, pw_shape, w_shape in [((4, 3), (3,), None), ((4, 3), None, (3,)), ((4, 3), (3,), (4, 3)),
                                 ((2, 3, 5), (5,), (3, 1)), ((6, 40), (1,), None), ((7,), (7,), (7,))]:
    x = (torch.randn(shape, generator=g) * 3).float()
    y = torch.rand(shape, generator=g).float()
    y[..., ::3] = (y[..., ::3] > 0.5).float()
    pw = None if pw_shape is None else torch.rand(pw_shape, generator=g).float() * 4 + 0.25
    w = None if w_shape is None else torch.rand(w_shape, generator=g).float() * 2
    case = {'shape': list(shape), 'input': hx(x), 'target': hx(y),
            'pos_weight': None if pw is None else hx(pw), 'pos_weight_shape': None if pw is None else list(pw_shape),
            'weight': None if w is None else hx(w), 'weight_shape': None if w is None else list(w_shape)}
    for r in ('mean', 'sum', 'none'):
        xi = x.clone().requires_grad_(True)
        loss = torch.nn.BCEWithLogitsLoss(weight=w, pos_weight=pw, reduction=r)(xi, y)
        seed = ((torch.arange(loss.numel()) + 1).float() / 8).reshape(loss.shape) if r == 'none' else torch.tensor(1.0)
        loss.backward(seed)
        case[r] = {'value': hx(loss), 'grad': hx(xi.grad)}
    cases.append(case)

errors = []
for what, kw in [('pos_weight', {'pos_weight': torch.ones(2)}), ('pos_weight', {'pos_weight': torch.ones(4)}),
                 ('weight', {'weight': torch.ones(2)})]:
    try:
        torch.nn.BCEWithLogitsLoss(**kw)(torch.zeros(4, 3), torch.zeros(4, 3))
    except RuntimeError as e:
        errors.append({'what': what, 'length': len(next(iter(kw.values()))), 'message': str(e)})
with open(sys.argv[1], 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases, 'errors': errors}, f, indent=1)
