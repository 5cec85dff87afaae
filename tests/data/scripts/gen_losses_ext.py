"""Float32 forward values and input gradients of torch 1.13's losses (BCE, BCEWithLogits, L1, Huber, SmoothL1,
weighted/smoothed/ignoring CrossEntropy and NLL, CrossEntropy on (N, C, d1, ...) inputs, clip_grad_norm_) as hex
bit patterns.

Usage: /usr/bin/python3 gen_losses_ext.py OUT.json
"""
import json
import struct
import sys

import torch
import torch.nn as nn

torch.manual_seed(1234)


def hx(t):
    return ["0x%08x" % struct.unpack("<I", struct.pack("<f", float(v)))[0] for v in t.detach().reshape(-1).tolist()]


def case(make_loss, x, y, extra=None):
    out = {"shape": list(x.shape), "input": hx(x), "target": hx(y) if y.dtype == torch.float32 else y.reshape(-1).tolist(),
           "target_shape": list(y.shape)}
    if extra:
        out.update(extra)
    for red in ("mean", "sum", "none"):
        xi = x.clone().requires_grad_(True)
        l = make_loss(red)(xi, y)
        g = torch.randn(l.shape, generator=torch.Generator().manual_seed(7)) if red == "none" else torch.tensor(1.0)
        l.backward(g)
        out[red] = {"value": hx(l), "grad": hx(xi.grad), "seed": hx(g)}
    return out


shapes = [(7,), (4, 5), (3, 2, 6), (33, 3)]
res = {"bce": [], "bce_logits": [], "l1": [], "huber": [], "smooth_l1": [], "ce": [], "nll": []}
for s in shapes:
    p = torch.rand(s)
    p.view(-1)[0] = 0.0
    p.view(-1)[-1] = 1.0
    y = torch.rand(s)
    w = torch.rand(s[-1:])
    res["bce"].append(case(lambda r: nn.BCELoss(reduction=r), p, y))
    res["bce"].append(case(lambda r: nn.BCELoss(weight=w, reduction=r), p, y, {"weight": hx(w)}))
    x = torch.randn(s) * 3
    yb = (torch.rand(s) > 0.5).float()
    pw = torch.rand(s[-1:]) * 3
    res["bce_logits"].append(case(lambda r: nn.BCEWithLogitsLoss(reduction=r), x, yb))
    res["bce_logits"].append(case(lambda r: nn.BCEWithLogitsLoss(weight=w, pos_weight=pw, reduction=r), x, y,
                                  {"weight": hx(w), "pos_weight": hx(pw)}))
    res["l1"].append(case(lambda r: nn.L1Loss(reduction=r), x, y))
    for d in (1.0, 0.5, 2.5):
        res["huber"].append(case(lambda r: nn.HuberLoss(reduction=r, delta=d), x, y, {"delta": d}))
        res["smooth_l1"].append(case(lambda r: nn.SmoothL1Loss(reduction=r, beta=d), x, y, {"beta": d}))

for (n, c, l) in [(4, 5, None), (1, 3, None), (6, 4, 3), (40, 10, None)]:
    shape = (n, c) if l is None else (n, c, l)
    tshape = (n,) if l is None else (n, l)
    x = torch.randn(shape) * 2
    t = torch.randint(0, c, tshape)
    ti = t.clone()
    if ti.numel() > 1:
        ti.view(-1)[1] = -100
    w = torch.rand(c) + 0.2
    probs = torch.softmax(torch.randn(shape), 1)
    for (tt, wt, ls) in [(t, None, 0.0), (t, w, 0.0), (ti, None, 0.0), (ti, w, 0.0), (t, None, 0.1), (ti, w, 0.2), (probs, None, 0.0), (probs, w, 0.15)]:
        extra = {"weight": hx(wt) if wt is not None else None, "label_smoothing": ls, "probs": tt.dtype == torch.float32}
        res["ce"].append(case(lambda r: nn.CrossEntropyLoss(weight=wt, reduction=r, label_smoothing=ls), x, tt, extra))
    lp = torch.log_softmax(x, 1)
    for (tt, wt) in [(t, None), (t, w), (ti, w)]:
        res["nll"].append(case(lambda r: nn.NLLLoss(weight=wt, reduction=r), lp, tt, {"weight": hx(wt) if wt is not None else None}))

# clip_grad_norm_: three parameters with given grads, several max_norm / norm_type.
clip = []
for (mx, nt) in [(1.0, 2.0), (0.5, 1.0), (100.0, 2.0), (0.3, float("inf")), (2.0, 3.0)]:
    grads = [torch.randn(4, 3) * 2, torch.randn(3), torch.randn(2, 2, 2)]
    ps = [torch.zeros_like(g, requires_grad=True) for g in grads]
    for p, g in zip(ps, grads):
        p.grad = g.clone()
    total = nn.utils.clip_grad_norm_(ps, mx, norm_type=nt)
    clip.append({"max_norm": mx, "norm_type": "inf" if nt == float("inf") else nt,
                 "shapes": [list(g.shape) for g in grads], "grads": [hx(g) for g in grads],
                 "total": hx(total), "clipped": [hx(p.grad) for p in ps]})
res["clip_grad_norm"] = clip
vals = []
for cv in (0.5, 1.5):
    g = torch.randn(10) * 2
    p = torch.zeros(10, requires_grad=True)
    p.grad = g.clone()
    nn.utils.clip_grad_value_([p], cv)
    vals.append({"clip_value": cv, "grad": hx(g), "clipped": hx(p.grad)})
res["clip_grad_value"] = vals

# CrossEntropyLoss / NLLLoss with extra dims (class dim 1, log_softmax's non-last-dim kernel): inner sizes below,
# at and past the 8-lane vector width, with their own generator so the cases above keep their draws.
gn = torch.Generator().manual_seed(4321)
ce_nd = []
ALL = [(False, False, 0.0), (False, True, 0.0), (True, False, 0.0), (True, True, 0.0), (False, False, 0.1),
       (True, False, 0.3), (True, True, 0.2), ("probs", False, 0.0), ("probs", True, 0.15)]
# (3, 4, 100) and (1, 2, 4100) have more than 256 and 4096 positions: nll_loss2d's 16-way cascade climbs to levels 2
# and 3 (few variants, to keep the file small).
for shape, variants in [((2, 5, 11), ALL), ((3, 4, 8), ALL), ((2, 3, 4, 5), ALL), ((1, 10, 20), ALL), ((4, 3, 17), ALL),
                        ((5, 7, 2), ALL), ((3, 4, 100), [(True, True, 0.0), (True, False, 0.3), ("probs", True, 0.15)]),
                        ((1, 2, 4100), [(True, True, 0.2)])]:
    n, c = shape[0], shape[1]
    tshape = (n,) + shape[2:]
    x = torch.randn(shape, generator=gn) * 2
    t = torch.randint(0, c, tshape, generator=gn)
    ti = t.clone()
    ti.view(-1)[1::5] = -100
    w = torch.rand(c, generator=gn) + 0.2
    probs = torch.softmax(torch.randn(shape, generator=gn), 1)
    for (ign, weighted, ls) in variants:
        tt = probs if ign == "probs" else (ti if ign else t)
        wt = w if weighted else None
        extra = {"weight": hx(wt) if wt is not None else None, "label_smoothing": ls, "probs": tt.dtype == torch.float32}
        ce_nd.append(case(lambda r: nn.CrossEntropyLoss(weight=wt, reduction=r, label_smoothing=ls), x, tt, extra))
res["ce_nd"] = ce_nd
res["torch"] = torch.__version__

with open(sys.argv[1], "w") as f:
    json.dump(res, f)
