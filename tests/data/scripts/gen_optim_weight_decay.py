"""Himmelblau trajectories (same schema as optim_himmelblau_torch1.13.json) of torch 1.13's optimizers with
weight_decay > 0 in the settings that file lacks.  Usage: gen_optim_weight_decay.py OUT.json"""
import json
import struct
import sys

import torch

CONFIGS = [
    ('sgd_m0.9_wd0.1', 'SGD', {'lr': 0.01, 'momentum': 0.9, 'weight_decay': 0.1}),
    ('sgd_m0.9_nesterov_wd0.1', 'SGD', {'lr': 0.01, 'momentum': 0.9, 'nesterov': True, 'weight_decay': 0.1}),
    ('sgd_m0.5_maximize_wd0.2', 'SGD', {'lr': 0.005, 'momentum': 0.5, 'maximize': True, 'weight_decay': 0.2}),
    ('adam_amsgrad_wd0.1', 'Adam', {'lr': 0.03, 'amsgrad': True, 'weight_decay': 0.1}),
    ('adam_betas_wd0.2', 'Adam', {'lr': 0.05, 'betas': [0.8, 0.9], 'weight_decay': 0.2}),
    ('adamw_wd0.5', 'AdamW', {'lr': 0.1, 'weight_decay': 0.5}),
    ('rmsprop_wd0.1', 'RMSprop', {'lr': 0.01, 'weight_decay': 0.1}),
    ('rmsprop_m0.5_wd0.1', 'RMSprop', {'lr': 0.01, 'momentum': 0.5, 'weight_decay': 0.1}),
    ('adagrad_wd0.1', 'Adagrad', {'lr': 0.1, 'weight_decay': 0.1}),
]


def hx(v, dtype):
    if dtype == torch.float32:
        return '0x%08x' % struct.unpack('<I', struct.pack('<f', v))[0]
    return '0x%016x' % struct.unpack('<Q', struct.pack('<d', v))[0]


def run(cls, kwargs, start, dtype):
    p = torch.tensor(start, dtype=dtype, requires_grad=True)
    opt = getattr(torch.optim, cls)([p], **{k: (tuple(v) if k == 'betas' else v) for k, v in kwargs.items()})
    loss, grad, params = [], [], []
    for _ in range(50):
        opt.zero_grad()
        l = (p[0] ** 2 + p[1] - 11) ** 2 + (p[0] + p[1] ** 2 - 7) ** 2
        l.backward()
        loss.append(l.item())
        grad.append(p.grad.tolist())
        opt.step()
        params.append(p.detach().tolist())
    pack = lambda xs: {'hex': [hx(x, dtype) for x in xs], 'dec': xs}
    pairs = lambda xs: {'hex': [[hx(x, dtype) for x in r] for r in xs], 'dec': xs}
    return {'loss': pack(loss), 'grad': pairs(grad), 'params': pairs(params)}


out = []
for name, cls, kwargs in CONFIGS:
    for start in ([3.0, 0.0], [-1.0, 0.0]):
        for dtype in (torch.float32, torch.float64):
            t = {'name': name, 'optimizer': cls, 'kwargs': kwargs, 'start': start, 'dtype': str(dtype).split('.')[1]}
            t.update(run(cls, kwargs, start, dtype))
            out.append(t)

with open(sys.argv[1], 'w') as f:
    json.dump({'about': 'torch %s optimizers with weight_decay > 0 on Himmelblau\'s function, 50 steps; schema of '
                        'optim_himmelblau_torch1.13.json' % torch.__version__, 'trajectories': out}, f)
