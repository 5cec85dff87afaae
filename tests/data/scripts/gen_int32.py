# int32 (torch.int32) vectors from real PyTorch 1.13: reprs, promotion, casts and arithmetic.
# Run with /usr/bin/python3 (Debian's torch 1.13): python3 gen_int32.py OUTPUT.json
# (also writes int32_state.pt, a torch.save'd state dict with int32 tensors, in OUTPUT.json's folder)
import json, os, sys, torch

def dt(t): return str(t.dtype).replace("torch.", "")
def vals(t): return t.reshape(-1).tolist()

out = {}
torch.manual_seed(3)
reprs = []
def rep(desc, t):
    reprs.append({"desc": desc, "shape": list(t.shape), "values": vals(t), "repr": repr(t), "dtype": dt(t)})
rep("1-D", torch.tensor([1, 2, 3], dtype=torch.int32))
rep("negative 2-D", torch.tensor([[-5, 12], [300, -7]], dtype=torch.int32))
rep("0-dim", torch.tensor(42, dtype=torch.int32))
rep("empty", torch.zeros(0, dtype=torch.int32))
rep("extremes", torch.tensor([2147483647, -2147483648, 0], dtype=torch.int32))
rep("randint 8x8", torch.randint(0, 256, (8, 8), dtype=torch.int32))
rep("summarised 2000", torch.arange(2000, dtype=torch.int32))
out["reprs"] = reprs

dtypes = {"bool": torch.bool, "int32": torch.int32, "int64": torch.int64, "float32": torch.float32, "float64": torch.float64}
prom = []
for a in dtypes:
    for b in dtypes:
        r = torch.ones(2, dtype=dtypes[a]) + torch.ones(2, dtype=dtypes[b])
        prom.append({"a": a, "b": b, "result": dt(r)})
out["promotion"] = prom
x = torch.tensor([1, -2, 3], dtype=torch.int32)
out["scalar_promotion"] = [
    {"op": "add", "scalar": 2, "result": dt(x + 2), "values": vals(x + 2)},
    {"op": "mul", "scalar": 3, "result": dt(x * 3), "values": vals(x * 3)},
    {"op": "sub", "scalar": 5, "result": dt(x - 5), "values": vals(x - 5)},
    {"op": "add", "scalar": 2.5, "result": dt(x + 2.5), "values": vals(x + 2.5)},
    {"op": "div", "scalar": 2, "result": dt(x / 2), "values": vals(x / 2)},
]

f = [1.234, 2.9, -2.9, -0.5, 0.5, 100.7, -100.7, 0.0, 2147483520.0]
casts = []
for src in ["float32", "float64"]:
    t = torch.tensor(f, dtype=dtypes[src])
    casts.append({"from": src, "to": "int32", "input": f, "output": vals(t.to(torch.int32))})
i = [0, 1, -1, 7, -2147483648, 2147483647, 16777217]
t = torch.tensor(i, dtype=torch.int32)
for dst in ["float32", "float64", "int64", "bool"]:
    casts.append({"from": "int32", "to": dst, "input": i, "output": vals(t.to(dtypes[dst]))})
casts.append({"from": "bool", "to": "int32", "input": [True, False, True], "output": vals(torch.tensor([True, False, True]).to(torch.int32))})
casts.append({"from": "int64", "to": "int32", "input": [5, -5, 123456789], "output": vals(torch.tensor([5, -5, 123456789]).to(torch.int32))})
out["casts"] = casts

a = torch.tensor([[3, -4, 5], [10, 0, -7]], dtype=torch.int32)
b = torch.tensor([2, 3, -2], dtype=torch.int32)
ar = []
def op(name, r): ar.append({"op": name, "dtype": dt(r), "shape": list(r.shape), "values": vals(r)})
op("add", a + b); op("sub", a - b); op("mul", a * b); op("div", a / b)
op("maximum", torch.maximum(a, b)); op("minimum", torch.minimum(a, b))
op("eq", a == b); op("lt", a < b); op("ge", a >= b)
op("neg", -a); op("abs", a.abs())
op("sum", a.sum()); op("sum_dim0", a.sum(0)); op("sum_dim1_keepdim", a.sum(1, keepdim=True))
op("max", a.max()); op("min", a.min()); op("max_dim1", a.max(1).values); op("argmax_dim1", a.max(1).indices)
op("mean_float", a.float().mean())
op("add_int64", a + b.long()); op("add_float32", a + b.float())
op("cat", torch.cat([a, b.reshape(1, 3)])); op("stack", torch.stack([b, b * 2]))
op("reshape", a.reshape(3, 2)); op("transpose_add", a.t() + 1); op("select_row1", a[1]); op("slice_col", a[:, 1:])
op("wrap_add", torch.tensor([2147483647], dtype=torch.int32) + torch.tensor([1], dtype=torch.int32))
op("matmul", a @ torch.tensor([[1, 0], [2, 1], [0, 3]], dtype=torch.int32))
out["arithmetic"] = {"a": vals(a), "a_shape": list(a.shape), "b": vals(b), "ops": ar}
with open(sys.argv[1], "w") as fh: json.dump(out, fh, indent=1)
# A state dict with an int32 tensor and a strided view of it, saved beside the vectors.
img = torch.tensor([[0, 1, 2], [-3, 40, 50]], dtype=torch.int32)
torch.save({"img": img, "col": img.t()[1]}, os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), "int32_state.pt"))
