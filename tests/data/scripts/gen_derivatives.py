"""Float32 VJPs (torch.autograd.grad) and JVPs (torch.autograd.forward_ad) of torch 1.13's differentiable ops,
as hex bit patterns, for the managed backend's bit-exact derivative tests.

Each case: op name, keyword parameters, inputs (shape + bits), the cotangent, PyTorch's value and VJP (one gradient
per input), the tangents and PyTorch's JVP. An op whose forward-mode formula 1.13 lacks gets "jvp": null.

Usage: /usr/bin/python3 gen_derivatives.py OUT.json
"""
import json
import struct
import sys

import torch
import torch.nn.functional as F
import torch.autograd.forward_ad as fwAD

gen = torch.Generator().manual_seed(20261204)


def hx(t):
    return "".join("%08x" % struct.unpack("<I", struct.pack("<f", float(v)))[0] for v in t.detach().reshape(-1).tolist())


def randn(shape, scale=1.0):
    return (torch.randn(shape, generator=gen) * scale).float()


def rand(shape, lo, hi):
    return (torch.rand(shape, generator=gen) * (hi - lo) + lo).float()


def with_edges(x, edges):
    """Writes the edge values into the first elements (as many as fit)."""
    x = x.clone()
    flat = x.view(-1)
    for i, v in enumerate(edges[: flat.numel()]):
        flat[i] = v
    return x


FNS = {
    # unary elementwise
    "neg": lambda p, x: -x,
    "abs": lambda p, x: torch.abs(x),
    "exp": lambda p, x: torch.exp(x),
    "log": lambda p, x: torch.log(x),
    "sqrt": lambda p, x: torch.sqrt(x),
    "sin": lambda p, x: torch.sin(x),
    "cos": lambda p, x: torch.cos(x),
    "tan": lambda p, x: torch.tan(x),
    "tanh": lambda p, x: torch.tanh(x),
    "sigmoid": lambda p, x: torch.sigmoid(x),
    "relu": lambda p, x: torch.relu(x),
    "leaky_relu": lambda p, x: F.leaky_relu(x, p["slope"]),
    "elu": lambda p, x: F.elu(x, p["alpha"]),
    "softplus": lambda p, x: F.softplus(x),
    "erf": lambda p, x: torch.erf(x),
    "gelu": lambda p, x: F.gelu(x),
    "log1p": lambda p, x: torch.log1p(x),
    "expm1": lambda p, x: torch.expm1(x),
    "square": lambda p, x: torch.square(x),
    "reciprocal": lambda p, x: torch.reciprocal(x),
    "sinh": lambda p, x: torch.sinh(x),
    "cosh": lambda p, x: torch.cosh(x),
    "atan": lambda p, x: torch.atan(x),
    "asin": lambda p, x: torch.asin(x),
    "acos": lambda p, x: torch.acos(x),
    "clamp": lambda p, x: torch.clamp(x, p["lo"], p["hi"]),
    "pow_scalar": lambda p, x: torch.pow(x, p["e"]),
    "add_scalar": lambda p, x: x + p["s"],
    "sub_scalar": lambda p, x: x - p["s"],
    "rsub_scalar": lambda p, x: p["s"] - x,
    "mul_scalar": lambda p, x: x * p["s"],
    "div_scalar": lambda p, x: x / p["s"],
    "rdiv_scalar": lambda p, x: p["s"] / x,
    # binary elementwise (broadcasting)
    "add": lambda p, a, b: a + b,
    "sub": lambda p, a, b: a - b,
    "mul": lambda p, a, b: a * b,
    "div": lambda p, a, b: a / b,
    "pow": lambda p, a, b: torch.pow(a, b),
    "maximum": lambda p, a, b: torch.maximum(a, b),
    "minimum": lambda p, a, b: torch.minimum(a, b),
    "atan2": lambda p, a, b: torch.atan2(a, b),
    "where": lambda p, a, b: torch.where(a > p["t"], a, b),
    # reductions
    "sum": lambda p, x: torch.sum(x),
    "sum_dim": lambda p, x: torch.sum(x, p["dim"], keepdim=p["keep"]),
    "mean": lambda p, x: torch.mean(x),
    "mean_dim": lambda p, x: torch.mean(x, p["dim"], keepdim=p["keep"]),
    "var": lambda p, x: torch.var(x),
    "std": lambda p, x: torch.std(x),
    "max": lambda p, x: torch.max(x),
    "min": lambda p, x: torch.min(x),
    "max_dim": lambda p, x: torch.max(x, p["dim"], keepdim=p["keep"])[0],
    "min_dim": lambda p, x: torch.min(x, p["dim"], keepdim=p["keep"])[0],
    "logsumexp": lambda p, x: torch.logsumexp(x, p["dim"], keepdim=p["keep"]),
    "softmax": lambda p, x: torch.softmax(x, p["dim"]),
    "log_softmax": lambda p, x: torch.log_softmax(x, p["dim"]),
    # linear algebra and shapes
    "matmul": lambda p, a, b: torch.matmul(a, b),
    "reshape": lambda p, x: x.reshape(p["shape"]),
    "permute": lambda p, x: x.permute(p["perm"]),
    "transpose": lambda p, x: x.transpose(p["d0"], p["d1"]),
    "expand": lambda p, x: x.expand(p["shape"]),
    "cat": lambda p, a, b: torch.cat([a, b], p["dim"]),
    "stack": lambda p, a, b: torch.stack([a, b], p["dim"]),
    "select": lambda p, x: x.select(p["dim"], p["index"]),
    "narrow": lambda p, x: x.narrow(p["dim"], p["start"], p["length"]),
    "gather": lambda p, x: torch.gather(x, p["dim"], torch.tensor(p["index"])),
    "index_select": lambda p, x: torch.index_select(x, p["dim"], torch.tensor(p["index"])),
    "flip": lambda p, x: torch.flip(x, p["dims"]),
    "repeat": lambda p, x: x.repeat(p["reps"]),
    "conv1d": lambda p, x, w, b: F.conv1d(x, w, b, stride=p["stride"], padding=p["padding"], dilation=p["dilation"], groups=p["groups"]),
    "max_pool1d": lambda p, x: F.max_pool1d(x, p["k"], p["stride"], p["padding"]),
    "avg_pool1d": lambda p, x: F.avg_pool1d(x, p["k"], p["stride"], p["padding"]),
}


def case(op, params, inputs):
    fn = FNS[op]
    xs = [x.clone().requires_grad_(True) for x in inputs]
    y = fn(params, *xs)
    g = randn(y.shape)
    grads = torch.autograd.grad(y, xs, g, allow_unused=True)
    grads = [torch.zeros_like(x) if gr is None else gr for x, gr in zip(xs, grads)]
    tangents = [randn(x.shape) for x in inputs]
    try:
        with fwAD.dual_level():
            duals = [fwAD.make_dual(x.detach(), t) for x, t in zip(inputs, tangents)]
            yd = fn(params, *duals)
            t = fwAD.unpack_dual(yd).tangent
            jvp = {"shape": list(yd.shape), "bits": hx(t if t is not None else torch.zeros_like(yd))}
    except (NotImplementedError, RuntimeError) as e:
        jvp = None
        print("no forward formula: %s (%s)" % (op, str(e).splitlines()[0][:100]), file=sys.stderr)
    return {
        "op": op,
        "params": params,
        "inputs": [{"shape": list(x.shape), "bits": hx(x)} for x in inputs],
        "value": {"shape": list(y.shape), "bits": hx(y)},
        "cotangent": hx(g),
        "vjp": [hx(gr) for gr in grads],
        "tangents": [hx(t) for t in tangents],
        "jvp": jvp,
    }


UNARY_SHAPES = [(), (7,), (3, 5), (2, 3, 4)]
EDGE = [0.0, -0.0, -1.0, 1.0, 1e-3, -2.5, 4.0]
BIG = [30.0, -30.0, 88.0, -88.0, 1e4, -1e4, 0.0]

# name -> (input maker per shape, params)
unary = {
    "neg": (lambda s: with_edges(randn(s, 3), EDGE + BIG), {}),
    "abs": (lambda s: with_edges(randn(s, 3), EDGE), {}),
    "exp": (lambda s: with_edges(randn(s, 3), EDGE + [80.0, -80.0]), {}),
    "log": (lambda s: with_edges(rand(s, 1e-3, 10), [1.0, 1e-6, 3e4, 0.5]), {}),
    "sqrt": (lambda s: with_edges(rand(s, 1e-3, 10), [1.0, 1e-6, 3e4, 0.5]), {}),
    "sin": (lambda s: with_edges(randn(s, 3), EDGE + [100.0]), {}),
    "cos": (lambda s: with_edges(randn(s, 3), EDGE + [100.0]), {}),
    "tan": (lambda s: rand(s, -1.4, 1.4), {}),
    "tanh": (lambda s: with_edges(randn(s, 3), EDGE + [10.0, -10.0]), {}),
    "sigmoid": (lambda s: with_edges(randn(s, 4), EDGE + [20.0, -20.0]), {}),
    "relu": (lambda s: with_edges(randn(s, 3), EDGE), {}),
    "leaky_relu": (lambda s: with_edges(randn(s, 3), EDGE), {"slope": 0.01}),
    "elu": (lambda s: with_edges(randn(s, 3), EDGE), {"alpha": 1.0}),
    "softplus": (lambda s: with_edges(randn(s, 8), EDGE + [20.0, 21.0, -30.0]), {}),
    "erf": (lambda s: with_edges(randn(s, 2), EDGE), {}),
    "gelu": (lambda s: with_edges(randn(s, 3), EDGE + [-8.0, 8.0]), {}),
    "log1p": (lambda s: with_edges(rand(s, -0.9, 10), [0.0, -0.5, 1e-5]), {}),
    "expm1": (lambda s: with_edges(randn(s, 3), EDGE + [1e-5]), {}),
    "square": (lambda s: with_edges(randn(s, 3), EDGE + BIG), {}),
    "reciprocal": (lambda s: with_edges(randn(s, 3), [-1.0, 1.0, 1e-3, -2.5, 4.0, 1e4]), {}),
    "sinh": (lambda s: with_edges(randn(s, 3), EDGE + [20.0]), {}),
    "cosh": (lambda s: with_edges(randn(s, 3), EDGE + [20.0]), {}),
    "atan": (lambda s: with_edges(randn(s, 3), EDGE + BIG), {}),
    "asin": (lambda s: with_edges(rand(s, -0.99, 0.99), [0.0, 0.5, -0.5]), {}),
    "acos": (lambda s: with_edges(rand(s, -0.99, 0.99), [0.0, 0.5, -0.5]), {}),
    "clamp": (lambda s: with_edges(randn(s, 3), [-1.0, 1.5, 0.0, -1.5]), {"lo": -1.0, "hi": 1.5}),
    "add_scalar": (lambda s: randn(s, 3), {"s": 0.3}),
    "sub_scalar": (lambda s: randn(s, 3), {"s": 0.3}),
    "rsub_scalar": (lambda s: randn(s, 3), {"s": 0.3}),
    "mul_scalar": (lambda s: randn(s, 3), {"s": 0.3}),
    "div_scalar": (lambda s: randn(s, 3), {"s": 0.3}),
    "rdiv_scalar": (lambda s: with_edges(randn(s, 3), [1.0, -2.5, 4.0]), {"s": 0.3}),
}

cases = []
for op, (make, params) in unary.items():
    for s in UNARY_SHAPES:
        cases.append(case(op, params, [make(s)]))

for e in [2.0, 3.0, 0.5, -1.5, 1.7, -2.0]:
    for s in UNARY_SHAPES:
        x = rand(s, 0.05, 4.0) if e in (0.5, -1.5, 1.7) else with_edges(randn(s, 2), EDGE)
        cases.append(case("pow_scalar", {"e": e}, [x]))

BIN_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 3, 4), (3, 1)), ((), (5,))]
binary = {
    "add": lambda s: randn(s, 3),
    "sub": lambda s: randn(s, 3),
    "mul": lambda s: with_edges(randn(s, 3), EDGE),
    "div": lambda s: with_edges(randn(s, 3), [1.0, -2.5, 4.0, 1e3]),
    "maximum": lambda s: randn(s, 1),
    "minimum": lambda s: randn(s, 1),
    "atan2": lambda s: with_edges(randn(s, 3), [1.0, -1.0, 0.5]),
    "where": lambda s: randn(s, 3),
}
for op, make in binary.items():
    for sa, sb in BIN_SHAPES:
        a, b = make(sa), make(sb)
        if op in ("maximum", "minimum") and a.numel() > 1 and b.numel() > 1:
            b.view(-1)[0] = a.view(-1)[0]   # a tie
        cases.append(case(op, {"t": 0.0} if op == "where" else {}, [a, b]))
for sa, sb in BIN_SHAPES:
    cases.append(case("pow", {}, [rand(sa, 0.1, 3.0), randn(sb, 1.5)]))

RED_SHAPES = [(7,), (3, 5), (2, 3, 4), (40, 3)]
for s in RED_SHAPES:
    x = randn(s, 2)
    for op in ("sum", "mean", "var", "std", "max", "min"):
        cases.append(case(op, {}, [x]))
    for dim in range(len(s)):
        for keep in (False, True):
            for op in ("sum_dim", "mean_dim", "max_dim", "min_dim", "logsumexp"):
                cases.append(case(op, {"dim": dim, "keep": keep}, [x]))
        for op in ("softmax", "log_softmax"):
            cases.append(case(op, {"dim": dim}, [randn(s, 3)]))

for sa, sb in [((3, 4), (4, 5)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)), ((2, 3, 4), (4, 5)), ((2, 3, 4), (2, 4, 2)), ((17, 9), (9, 6))]:
    cases.append(case("matmul", {}, [randn(sa), randn(sb)]))

x = randn((2, 3, 4))
cases.append(case("reshape", {"shape": [4, 6]}, [x]))
cases.append(case("permute", {"perm": [2, 0, 1]}, [x]))
cases.append(case("transpose", {"d0": 0, "d1": 2}, [x]))
cases.append(case("expand", {"shape": [2, 3, 4]}, [randn((3, 1))]))
cases.append(case("expand", {"shape": [5, 3, 4]}, [randn((1, 3, 4))]))
cases.append(case("cat", {"dim": 1}, [randn((2, 3)), randn((2, 4))]))
cases.append(case("stack", {"dim": 1}, [randn((2, 3)), randn((2, 3))]))
cases.append(case("select", {"dim": 1, "index": 2}, [x]))
cases.append(case("narrow", {"dim": 2, "start": 1, "length": 2}, [x]))
cases.append(case("gather", {"dim": 1, "index": [[0, 0, 2], [1, 2, 2]]}, [randn((2, 3))]))
cases.append(case("index_select", {"dim": 0, "index": [2, 0, 2, 2]}, [randn((3, 4))]))
cases.append(case("flip", {"dims": [0, 2]}, [x]))
cases.append(case("repeat", {"reps": [2, 1, 3]}, [randn((3, 2))]))

for (n, cin, l, cout, k, stride, padding, dilation, groups) in [(2, 3, 10, 4, 3, 1, 0, 1, 1), (1, 4, 9, 6, 2, 2, 1, 2, 2), (3, 2, 16, 5, 5, 1, 2, 1, 1)]:
    cases.append(case("conv1d", {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups},
                      [randn((n, cin, l)), randn((cout, cin // groups, k)), randn((cout,))]))
for (k, stride, padding) in [(2, 2, 0), (3, 1, 1), (3, 2, 1)]:
    cases.append(case("max_pool1d", {"k": k, "stride": stride, "padding": padding}, [randn((2, 3, 9))]))
    cases.append(case("avg_pool1d", {"k": k, "stride": stride, "padding": padding}, [randn((2, 3, 9))]))

with open(sys.argv[1], "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print("%d cases" % len(cases), file=sys.stderr)
