"""Vectors for BatchNorm1d, Dropout, AdaptiveAvgPool1d, Unflatten and friends from PyTorch 1.13 (CPU).

Usage: /usr/bin/python3 gen_layers.py OUT.json   (also writes layers_bn_state.pt beside OUT.json)
Runs with one intra-op thread: BatchNorm's 2-D statistics are summed per thread, so the bits depend on the
thread count (this machine's default is one thread).
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)


def hexes(t):
    t = t.detach().contiguous().view(-1)
    if t.dtype == torch.float64:
        return [format(struct.unpack("<Q", struct.pack("<d", v))[0], "016x") for v in t.tolist()]
    return [format(struct.unpack("<I", struct.pack("<f", v))[0], "08x") for v in t.tolist()]


def T(t):
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "hex": hexes(t)}


def msg(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001 - the message is the vector
        return str(e)
    return None


out = {"torch": torch.__version__}
g = torch.Generator().manual_seed(1234)

# ---------------------------------------------------------------- BatchNorm1d
specs = [
    ((5, 3), {}),
    ((37, 4), {}),
    ((64, 17), {"momentum": 0.3}),
    ((4, 3, 7), {}),
    ((33, 5, 9), {"eps": 1e-3}),
    ((6, 2, 1), {}),
    ((8, 3), {"momentum": None}),
    ((4, 3, 5), {"momentum": None}),
    ((9, 4), {"affine": False}),
    ((5, 3, 4), {"track_running_stats": False}),
    ((7, 2), {"affine": False, "track_running_stats": False}),
    ((6, 3), {"dtype": "float64"}),
    ((3, 2, 5), {"dtype": "float64", "momentum": None}),
]


def bn_case(shape, kw, g):
    """Three training steps (outputs, gradients, running statistics) and one evaluation step of a BatchNorm1d."""
    kw = dict(kw)
    dtype = torch.float64 if kw.pop("dtype", "float32") == "float64" else torch.float32
    c = shape[1]
    bn = nn.BatchNorm1d(c, **kw).to(dtype)
    case = {"shape": list(shape), "kwargs": {k: v for k, v in kw.items()}, "dtype": str(dtype).replace("torch.", "")}
    if bn.affine:
        with torch.no_grad():
            bn.weight.copy_(torch.randn(c, generator=g, dtype=dtype))
            bn.bias.copy_(torch.randn(c, generator=g, dtype=dtype))
        case["weight"] = T(bn.weight)
        case["bias"] = T(bn.bias)
    steps = []
    for k in range(3):
        x = (torch.randn(*shape, generator=g, dtype=dtype) * (1 + k) + k).requires_grad_()
        gw = torch.randn(*shape, generator=g, dtype=dtype)
        bn.zero_grad()
        y = bn(x)
        (y * gw).sum().backward()
        s = {"x": T(x), "gy": T(gw), "y": T(y), "dx": T(x.grad)}
        if bn.affine:
            s["dweight"] = T(bn.weight.grad)
            s["dbias"] = T(bn.bias.grad)
        if bn.track_running_stats:
            s["running_mean"] = T(bn.running_mean)
            s["running_var"] = T(bn.running_var)
            s["num_batches_tracked"] = int(bn.num_batches_tracked)
        steps.append(s)
    case["train"] = steps
    bn.eval()
    x = torch.randn(*shape, generator=g, dtype=dtype).requires_grad_()
    gw = torch.randn(*shape, generator=g, dtype=dtype)
    bn.zero_grad()
    y = bn(x)
    (y * gw).sum().backward()
    e = {"x": T(x), "gy": T(gw), "y": T(y), "dx": T(x.grad)}
    if bn.affine:
        e["dweight"] = T(bn.weight.grad)
        e["dbias"] = T(bn.bias.grad)
    case["eval"] = e
    case["repr"] = repr(bn)
    return case


out["batchnorm1d"] = [bn_case(shape, kw, g) for shape, kw in specs]

# ---------------------------------------------------------------- Dropout (global generator, as nn.Dropout draws)
drops = []
for seed, p, shape in [(0, 0.5, (4, 5)), (7, 0.2, (3, 2, 6)), (42, 0.9, (33,)), (3, 0.0, (2, 3)), (5, 1.0, (2, 3)),
                       (11, 0.3, (1000,))]:
    x = torch.randn(*shape, generator=g)
    torch.manual_seed(seed)
    d = nn.Dropout(p)
    y = d(x)
    nxt = torch.rand(1)
    drops.append({"seed": seed, "p": p, "x": T(x), "y": T(y), "next_rand": T(nxt), "repr": repr(d)})
x64 = torch.randn(2, 7, generator=g, dtype=torch.float64)
torch.manual_seed(9)
drops.append({"seed": 9, "p": 0.4, "x": T(x64), "y": T(F.dropout(x64, 0.4, True)), "next_rand": T(torch.rand(1)),
              "repr": "Dropout(p=0.4, inplace=False)"})
out["dropout"] = drops

# ---------------------------------------------------------------- AdaptiveAvgPool1d
ada = []
for shape, osz in [((2, 3, 7), 3), ((2, 3, 8), 1), ((1, 2, 5), 5), ((2, 4), 3), ((1, 1, 10), 4), ((2, 2, 3), 7),
                   ((1, 2, 6), 0)]:
    x = torch.randn(*shape, generator=g).requires_grad_()
    m = nn.AdaptiveAvgPool1d(osz)
    y = m(x)
    gy = torch.randn(*y.shape, generator=g)
    case = {"output_size": osz, "x": T(x), "y": T(y), "gy": T(gy), "repr": repr(m)}
    if y.numel() > 0:  # PyTorch 1.13's backward refuses an empty output
        (y * gy).sum().backward()
        case["dx"] = T(x.grad)
    ada.append(case)
out["adaptive_avg_pool1d"] = ada

# ---------------------------------------------------------------- Unflatten, Flatten, Softmax/LogSoftmax modules
unf = []
for shape, dim, sizes in [((2, 6), 1, (2, 3)), ((2, 6), -1, (3, -1)), ((4, 6, 5), 1, (2, 1, 3)), ((12,), 0, (2, 2, 3))]:
    x = torch.arange(float(torch.Size(shape).numel())).reshape(shape)
    m = nn.Unflatten(dim, sizes)
    unf.append({"shape": list(shape), "dim": dim, "sizes": list(sizes), "out_shape": list(m(x).shape), "repr": repr(m)})
out["unflatten"] = unf

xs = torch.randn(3, 4, 5, generator=g)
out["softmax_input"] = T(xs)
out["softmax"] = {str(d): T(nn.Softmax(dim=d)(xs)) for d in (0, 1, 2, -1)}
out["log_softmax"] = {str(d): T(nn.LogSoftmax(dim=d)(xs)) for d in (0, 1, 2, -1)}

out["reprs"] = {
    "BatchNorm1d(8)": repr(nn.BatchNorm1d(8)),
    "BatchNorm1d(8, momentum=None)": repr(nn.BatchNorm1d(8, momentum=None)),
    "BatchNorm1d(4, eps=0.001, momentum=0.01, affine=False, track_running_stats=False)":
        repr(nn.BatchNorm1d(4, eps=0.001, momentum=0.01, affine=False, track_running_stats=False)),
    "Dropout()": repr(nn.Dropout()),
    "Dropout(0.25)": repr(nn.Dropout(0.25)),
    "AdaptiveAvgPool1d(1)": repr(nn.AdaptiveAvgPool1d(1)),
    "AdaptiveAvgPool1d(5)": repr(nn.AdaptiveAvgPool1d(5)),
    "Unflatten(1, (2, 3))": repr(nn.Unflatten(1, (2, 3))),
    "Unflatten(-1, (2, -1, 4))": repr(nn.Unflatten(-1, (2, -1, 4))),
    "Flatten()": repr(nn.Flatten()),
    "Flatten(0, 2)": repr(nn.Flatten(0, 2)),
    "Softmax(dim=1)": repr(nn.Softmax(dim=1)),
    "LogSoftmax(dim=-1)": repr(nn.LogSoftmax(dim=-1)),
    "MaxPool1d(2)": repr(nn.MaxPool1d(2)),
    "AvgPool1d(3, 1, 1)": repr(nn.AvgPool1d(3, 1, 1)),
}

# ---------------------------------------------------------------- PyTorch's messages for bad input
out["messages"] = {
    "bn_batch_of_one": msg(lambda: nn.BatchNorm1d(3)(torch.ones(1, 3))),
    "bn_batch_of_one_3d": msg(lambda: nn.BatchNorm1d(3)(torch.ones(1, 3, 1))),
    "bn_channels": msg(lambda: nn.BatchNorm1d(3)(torch.ones(2, 4))),
    "bn_channels_3d": msg(lambda: nn.BatchNorm1d(3)(torch.ones(2, 4, 5))),
    "bn_dims_4d": msg(lambda: nn.BatchNorm1d(3)(torch.ones(2, 3, 4, 5))),
    "bn_dims_1d": msg(lambda: nn.BatchNorm1d(3)(torch.ones(3))),
    "dropout_high": msg(lambda: nn.Dropout(1.5)),
    "dropout_low": msg(lambda: nn.Dropout(-0.1)),
    "unflatten_product": msg(lambda: nn.Unflatten(1, (2, 4))(torch.ones(2, 6))),
    "unflatten_inferred": msg(lambda: nn.Unflatten(1, (4, -1))(torch.ones(2, 6))),
    "adaptive_dims": msg(lambda: nn.AdaptiveAvgPool1d(2)(torch.ones(2, 3, 4, 5))),
}

# ---------------------------------------------------------------- a state_dict with BatchNorm buffers, saved by torch.save
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
for k in range(2):
    model(torch.randn(5, 3, generator=g) + k)
torch.save(model.state_dict(), os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), "layers_bn_state.pt"))
model.eval()
xe = torch.randn(3, 3, generator=g)
out["bn_state"] = {"keys": list(model.state_dict().keys()),
                   "values": {k: (T(v) if v.is_floating_point() else int(v)) for k, v in model.state_dict().items()},
                   "eval_x": T(xe), "eval_y": T(model(xe))}

# ---------------------------------------------------------------- BatchNorm1d backward: the kernel's lanes and paths
# Its own generator, so the vectors above keep their draws. (N, C) and (N, C, 1) take the channels-last kernel
# (vectors of 8 float32 or 4 float64 channels plus a tail); longer signals the contiguous one, whose per-row sums
# run in lanes with a tail (float32: 8 lanes combined as a tree; float64: 4 lanes combined in order).
g2 = torch.Generator().manual_seed(4321)
lane_specs = [
    ((3, 4, 8), {}),
    ((5, 3, 16), {}),
    ((4, 2, 27), {"eps": 1e-3}),
    ((2, 2, 63), {"momentum": None}),
    ((6, 2, 5), {}),
    ((3, 9, 2), {"affine": False}),
    ((12, 9, 1), {}),
    ((20, 33), {}),
    ((40, 16), {"momentum": 0.2}),
    ((10, 24), {"track_running_stats": False}),
    ((20, 9), {"dtype": "float64"}),
    ((7, 5), {"dtype": "float64", "track_running_stats": False}),
]
out["batchnorm1d_lanes"] = [bn_case(shape, kw, g2) for shape, kw in lane_specs]

# ---------------------------------------------------------------- GELU (float32 goes through oneDNN's gelu_erf)
g3 = torch.Generator().manual_seed(99)
xg = torch.cat([torch.linspace(-12, 12, 2401), torch.randn(1500, generator=g3) * 3,
                torch.tensor([0.0, -0.0, 1e-30, -1e-30, 1e-7, -1e-7, -13.0, -14.0, -20.0, 30.0, -100.0, 100.0,
                              float("inf"), float("-inf")])]).requires_grad_()
gg = torch.randn(xg.shape, generator=g3)
yg = nn.GELU()(xg)
yg.backward(gg)
out["gelu"] = {"x": T(xg), "gy": T(gg), "y": T(yg), "dx": T(xg.grad)}

with open(sys.argv[1], "w") as fh:
    json.dump(out, fh, indent=1)
