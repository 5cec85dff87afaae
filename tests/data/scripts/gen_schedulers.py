"""Learning-rate (and momentum) sequences of torch 1.13's CosineAnnealingWarmRestarts, OneCycleLR and
ReduceLROnPlateau, OneCycleLR's param_groups (state_dict and repr, at construction and at the end), plus their
argument-check messages.  Usage: gen_schedulers.py OUT.json"""
import json
import sys

import torch
from torch.optim import SGD, Adam, RMSprop, Adagrad
from torch.optim.lr_scheduler import CosineAnnealingWarmRestarts, OneCycleLR, ReduceLROnPlateau


def opt(kind, lrs=(0.1,), **kw):
    groups = [{'params': [torch.nn.Parameter(torch.zeros(2))], 'lr': lr} for lr in lrs]
    return {'sgd': SGD, 'adam': Adam, 'rmsprop': RMSprop, 'adagrad': Adagrad}[kind](groups, lr=lrs[0], **kw)


def momenta(o):
    out = []
    for g in o.param_groups:
        out.append(g['betas'][0] if 'betas' in g else g.get('momentum', None))
    return out


def trace(o, sched, steps, metrics=None):
    lrs = [[g['lr'] for g in o.param_groups]]
    mom = [momenta(o)]
    for i in range(steps):
        o.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        lrs.append(list(sched._last_lr))
        mom.append(momenta(o))
    return lrs, mom


cases = []

for name, kw in [('warm_t3', dict(T_0=3)),
                 ('warm_t2_mult2_eta', dict(T_0=2, T_mult=2, eta_min=0.01)),
                 ('warm_t4_mult3', dict(T_0=4, T_mult=3, eta_min=0.001))]:
    o = opt('sgd', (0.1, 0.05))
    s = CosineAnnealingWarmRestarts(o, **kw)
    lrs, _ = trace(o, s, 25)
    cases.append({'name': name, 'kind': 'warm', 'args': kw, 'optimizer': 'sgd', 'lrs': lrs})

onecycle = [
    ('cos_sgd', 'sgd', dict(momentum=0.9), dict(max_lr=0.1, total_steps=20)),
    ('linear_sgd', 'sgd', dict(momentum=0.9), dict(max_lr=0.5, total_steps=17, anneal_strategy='linear', pct_start=0.25)),
    ('three_phase_sgd', 'sgd', dict(momentum=0.9), dict(max_lr=0.2, total_steps=23, three_phase=True)),
    ('epochs_adam', 'adam', dict(), dict(max_lr=0.01, epochs=4, steps_per_epoch=6, div_factor=10.0, final_div_factor=100.0)),
    ('no_momentum_adagrad', 'adagrad', dict(), dict(max_lr=0.3, total_steps=15, cycle_momentum=False)),
    ('rmsprop_custom_momentum', 'rmsprop', dict(momentum=0.5), dict(max_lr=0.05, total_steps=12, base_momentum=0.8, max_momentum=0.9, pct_start=0.4)),
]
def groups_of(o):
    """state_dict()['param_groups'] without the parameter indices: PyTorch's keys in its order (tuples as lists)."""
    return [{k: v for k, v in g.items() if k != 'params'} for g in o.state_dict()['param_groups']]


for name, kind, okw, kw in onecycle:
    o = opt(kind, (0.1,), **okw)
    s = OneCycleLR(o, **kw)
    steps = s.total_steps
    start_groups, start_repr = groups_of(o), repr(o)
    lrs, mom = trace(o, s, steps)  # PyTorch allows total_steps Step() calls after construction
    end_groups, end_repr = groups_of(o), repr(o)
    try:
        o.step(); s.step()
        err = None
    except ValueError as e:
        err = str(e)
    cases.append({'name': name, 'kind': 'onecycle', 'args': kw, 'optimizer': kind, 'optimizer_args': okw,
                  'lrs': lrs, 'momenta': mom, 'overstep_error': err,
                  'param_groups_start': start_groups, 'repr_start': start_repr,
                  'param_groups_end': end_groups, 'repr_end': end_repr})

metrics = [1.0, 0.9, 0.95, 0.95, 0.96, 0.89, 0.9, 0.91, 0.92, 0.93, 0.88, 0.88, 0.885, 0.9, 0.9, 0.9, 0.9, 0.9, 0.87, 0.9,
           0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]
plateau = [
    ('min_rel', dict(patience=2)),
    ('min_abs_cooldown', dict(patience=1, threshold=0.02, threshold_mode='abs', cooldown=2, factor=0.5)),
    ('max_rel', dict(mode='max', patience=0, factor=0.3, min_lr=1e-3)),
    ('max_abs_minlrs', dict(mode='max', threshold_mode='abs', threshold=0.0, patience=1, factor=0.2, min_lr=[0.01, 0.004])),
    ('min_eps', dict(patience=0, factor=0.9, eps=0.005)),
]
for name, kw in plateau:
    o = opt('sgd', (0.1, 0.05))
    s = ReduceLROnPlateau(o, **kw)
    lrs, _ = trace(o, s, len(metrics), metrics)
    cases.append({'name': name, 'kind': 'plateau', 'args': kw, 'optimizer': 'sgd', 'metrics': metrics, 'lrs': lrs})


def err(f):
    try:
        f()
    except ValueError as e:
        return str(e)
    raise AssertionError('no error')


errors = {
    'warm_t0': err(lambda: CosineAnnealingWarmRestarts(opt('sgd'), T_0=0)),
    'warm_tmult': err(lambda: CosineAnnealingWarmRestarts(opt('sgd'), T_0=2, T_mult=0)),
    'onecycle_none': err(lambda: OneCycleLR(opt('sgd'), max_lr=0.1)),
    'onecycle_total': err(lambda: OneCycleLR(opt('sgd'), max_lr=0.1, total_steps=0)),
    'onecycle_epochs': err(lambda: OneCycleLR(opt('sgd'), max_lr=0.1, epochs=0, steps_per_epoch=3)),
    'onecycle_spe': err(lambda: OneCycleLR(opt('sgd'), max_lr=0.1, epochs=2, steps_per_epoch=-1)),
    'onecycle_pct': err(lambda: OneCycleLR(opt('sgd'), max_lr=0.1, total_steps=10, pct_start=1.5)),
    'onecycle_anneal': err(lambda: OneCycleLR(opt('sgd'), max_lr=0.1, total_steps=10, anneal_strategy='exp')),
    'onecycle_momentum': err(lambda: OneCycleLR(opt('adagrad'), max_lr=0.1, total_steps=10)),
    'onecycle_maxlr_count': err(lambda: OneCycleLR(opt('sgd', (0.1, 0.2)), max_lr=[0.1], total_steps=10)),
    'plateau_factor': err(lambda: ReduceLROnPlateau(opt('sgd'), factor=1.0)),
    'plateau_minlr': err(lambda: ReduceLROnPlateau(opt('sgd'), min_lr=[0.1, 0.2])),
    'plateau_mode': err(lambda: ReduceLROnPlateau(opt('sgd'), mode='up')),
    'plateau_threshold_mode': err(lambda: ReduceLROnPlateau(opt('sgd'), threshold_mode='pct')),
}

with open(sys.argv[1], 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases, 'errors': errors}, f, indent=1)
