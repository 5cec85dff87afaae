"""Golden values for indexing, einsum, the new elementwise ops, F.conv1d(padding='same') and multi-input Hessians.

Usage: python gen_indexing.py OUTPUT.json   (needs torch; values computed in float64)
"""
import json
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def rec(t):
    t = t.detach()
    if t.dtype == torch.bool:
        return {"shape": list(t.shape), "data": [bool(v) for v in t.reshape(-1).tolist()]}
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


x = (torch.arange(12.) * 0.37 - 2.0).reshape(3, 4)
x3 = (torch.arange(24.) * 0.11 - 1.3).reshape(2, 3, 4)
idx = torch.tensor([2, 0, -1])
idx2 = torch.tensor([[0, 1], [2, 2]])
mask = x > 0
rowmask = torch.tensor([True, False, True])
w = torch.cos(torch.arange(64.)).reshape(-1)

out = {"x": rec(x), "x3": rec(x3)}

def case(name, f, *inputs):
    """Value of f and the gradient of sum(f(...) * w) w.r.t. each input."""
    ins = [i.clone().requires_grad_(True) for i in inputs]
    y = f(*ins)
    ww = w[: y.numel()].reshape(y.shape)
    grads = torch.autograd.grad((y * ww).sum(), ins, allow_unused=True)
    out[name] = {"value": rec(y),
                 "grads": [rec(g if g is not None else torch.zeros_like(i)) for g, i in zip(grads, ins)]}

case("index_tensor", lambda x: x[idx], x)
case("index_tensor_2d", lambda x: x[idx2], x)
case("index_mask", lambda x: x[mask], x)
case("index_rowmask", lambda x: x[rowmask], x)
case("index_range", lambda x: x[1:3], x)
case("index_col", lambda x: x[:, 0], x)
case("index_ellipsis_last", lambda x: x[..., -1], x3)
case("index_newaxis", lambda x: x[:, None, 1:3], x)
case("index_step", lambda x: x[0:4:2], x3)
case("index_col_tensor", lambda x: x[:, idx], x)
case("index_select_1", lambda x: x.index_select(1, torch.tensor([3, 0, 3])), x)
case("gather_1", lambda x: x.gather(1, torch.tensor([[0, 3], [1, 1], [2, 0]])), x)
case("scatter_0", lambda x, s: x.scatter(0, torch.tensor([[2, 0, 1, 2]]), s), x, torch.tensor([[10., 20., 30., 40.]]))
case("scatter_add_1", lambda x, s: x.scatter_add(1, torch.tensor([[0, 0], [3, 1], [2, 2]]), s), x, torch.tensor([[1., 2.], [3., 4.], [5., 6.]]))
case("masked_fill", lambda x: x.masked_fill(mask, -7.5), x)
case("where", lambda a, b: torch.where(mask, a, b), x, x.flip(0))
case("vstack", lambda a, b: torch.vstack([a, b]), x[0], x[1])
case("hstack_1d", lambda a, b: torch.hstack([a, b]), x[0], x[1, :2])
case("hstack_2d", lambda a, b: torch.hstack([a, b]), x, x[:, :2])
case("repeat_interleave_dim", lambda x: x.repeat_interleave(2, dim=0), x)
case("repeat_interleave_flat", lambda x: x.repeat_interleave(3), x[:2, :2])
case("tile", lambda x: x.tile((2,)), x)
case("tile_more", lambda x: x.tile((2, 1, 2)), x)

a = torch.sin(torch.arange(6.)).reshape(2, 3)
b = torch.cos(torch.arange(12.)).reshape(3, 4)
sq = torch.sin(torch.arange(9.) + 1).reshape(3, 3)
bt = torch.sin(torch.arange(24.) * 0.3).reshape(2, 3, 4)
bu = torch.cos(torch.arange(16.) * 0.7).reshape(2, 4, 2)
v1 = torch.arange(3.) - 0.5
v2 = torch.arange(4.) * 0.25
einsums = [
    ("ij,jk->ik", [a, b]), ("ij,jk", [a, b]), ("ii->", [sq]), ("ii->i", [sq]), ("ij->ji", [a]),
    ("ij->", [a]), ("bij,bjk->bik", [bt, bu]), ("i,j->ij", [v1, v2]), ("ij,ij->", [a, a * 2]),
    ("ijk,kl->lji", [bt, bu[0]]), ("ij,jk,kl->il", [a, b, bu[1]]), ("i,i->i", [v1, v1 + 1]), ("bij->bj", [bt]),
]
out["einsum"] = []
for eq, ops in einsums:
    ins = [o.clone().requires_grad_(True) for o in ops]
    y = torch.einsum(eq, *ins)
    ww = w[: y.numel()].reshape(y.shape)
    grads = torch.autograd.grad((y * ww).sum(), ins)
    out["einsum"].append({"equation": eq, "operands": [rec(o) for o in ops], "value": rec(y),
                          "grads": [rec(g) for g in grads]})

u = torch.linspace(-0.9, 0.9, 7)
case("asin", torch.asin, u)
case("acos", torch.acos, u)
case("trunc", torch.trunc, u * 3)
case("atan2", torch.atan2, u, torch.linspace(-1.3, 1.1, 7))
case("minimum", torch.minimum, u, torch.tensor([0.2]))
case("maximum", torch.maximum, u, torch.tensor([0.2]))

sig = torch.sin(torch.arange(16.) * 0.5).reshape(1, 2, 8)
k4 = torch.cos(torch.arange(24.)).reshape(3, 2, 4)
k3 = torch.cos(torch.arange(18.) * 0.3).reshape(3, 2, 3)
bias = torch.tensor([0.1, -0.2, 0.3])
case("conv1d_same_k4", lambda s, k: F.conv1d(s, k, padding="same"), sig, k4)
case("conv1d_same_k3_dil2_bias", lambda s, k: F.conv1d(s, k, bias, padding="same", dilation=2), sig, k3)
case("conv1d_valid", lambda s, k: F.conv1d(s, k, padding="valid"), sig, k3)

hu = torch.tensor([0.3, -0.7, 1.1])
hv = torch.tensor([0.5, -0.2])
def hf(u, v):
    return (u.pow(2).sum() * v.sin().sum()) + torch.outer(u, v).pow(3).sum() + (u.exp() * 0.1).sum()
H = torch.autograd.functional.hessian(hf, (hu, hv))
out["hessian2"] = {"u": rec(hu), "v": rec(hv), "blocks": [[rec(H[i][j]) for j in range(2)] for i in range(2)]}
J = torch.autograd.functional.jacobian(lambda u, v: torch.outer(u, v).sin(), (hu, hv))
out["jacobian2"] = {"blocks": [rec(J[0]), rec(J[1])]}

with open(sys.argv[1], "w") as fh:
    json.dump(out, fh)
