# Makes tests/data/rnn.json with /usr/bin/python3 (Debian python3-torch 1.13): usage gen_rnn.py OUT.json
# nn.RNN / nn.RNNCell configurations: init draws after torch.manual_seed, outputs, h_n, and the gradients of
# loss = sum(output * wo) + sum(h_n * wh) w.r.t. every parameter, the input and h0 (float32, CPU).
import json, struct, sys, torch
import torch.nn as nn

def hx(t):
    t = t.detach().contiguous().view(-1)
    return ['0x%08x' % struct.unpack('<I', struct.pack('<f', float(v)))[0] for v in t.tolist()]

def T(t):
    return {"shape": list(t.shape), "hex": hx(t)}

def vals(shape, seed):
    # Inputs from a fixed generator, rounded to multiples of 1/64 so they are exact in float32 and float64.
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(shape, generator=g) * 4 - 2).mul(64).round().div(64)

configs = [
    dict(name="tanh_1layer", input_size=3, hidden_size=4, kw={}, L=5, N=2, h0=False),
    dict(name="tanh_1layer_h0", input_size=3, hidden_size=4, kw={}, L=5, N=2, h0=True),
    dict(name="relu_1layer", input_size=2, hidden_size=5, kw=dict(nonlinearity="relu"), L=4, N=3, h0=True),
    dict(name="tanh_2layer_bi_batch_first", input_size=1, hidden_size=8,
         kw=dict(num_layers=2, batch_first=True, bidirectional=True), L=6, N=3, h0=True),
    dict(name="relu_3layer_nobias", input_size=3, hidden_size=4, kw=dict(num_layers=3, nonlinearity="relu", bias=False), L=4, N=2, h0=True),
    dict(name="tanh_3layer_bi", input_size=2, hidden_size=3, kw=dict(num_layers=3, bidirectional=True), L=4, N=2, h0=False),
    dict(name="unbatched_2layer_bi", input_size=2, hidden_size=3, kw=dict(num_layers=2, bidirectional=True), L=5, N=None, h0=True),
    dict(name="unbatched_tanh_noh0", input_size=4, hidden_size=2, kw={}, L=3, N=None, h0=False),
    dict(name="relu_bi_batch_first_noh0", input_size=2, hidden_size=3, kw=dict(nonlinearity="relu", batch_first=True, bidirectional=True), L=4, N=2, h0=False),
    dict(name="dropout_train_3layer", input_size=2, hidden_size=4, kw=dict(num_layers=3, dropout=0.5), L=4, N=2, h0=False, train=True),
    dict(name="dropout_train_2layer_bi", input_size=2, hidden_size=3, kw=dict(num_layers=2, dropout=0.3, bidirectional=True, batch_first=True), L=3, N=2, h0=True, train=True),
    dict(name="dropout_eval_2layer", input_size=2, hidden_size=3, kw=dict(num_layers=2, dropout=0.5), L=3, N=2, h0=False, train=False),
]

out = {"about": "Made by tests/data/scripts/gen_rnn.py with PyTorch 1.13 (Debian python3-torch), CPU, float32. "
                "'hex' = IEEE-754 float32 bit patterns. Parameters come from torch.manual_seed(seed) then the constructor; "
                "for training configs the dropout masks are drawn from the same global generator right after construction.",
       "rnn": [], "cell": []}
for i, c in enumerate(configs):
    seed = 100 + i
    torch.manual_seed(seed)
    m = nn.RNN(c["input_size"], c["hidden_size"], **c["kw"])
    train = c.get("train", False)
    m.train(train)
    D = 2 if c["kw"].get("bidirectional", False) else 1
    layers = c["kw"].get("num_layers", 1)
    bf = c["kw"].get("batch_first", False)
    if c["N"] is None:
        xshape = (c["L"], c["input_size"]); hshape = (D * layers, c["hidden_size"])
    else:
        xshape = (c["N"], c["L"], c["input_size"]) if bf else (c["L"], c["N"], c["input_size"])
        hshape = (D * layers, c["N"], c["hidden_size"])
    x = vals(xshape, 1000 + i).requires_grad_()
    h0 = vals(hshape, 2000 + i).requires_grad_() if c["h0"] else None
    params = {n: p.detach().clone() for n, p in m.named_parameters()}
    o, h = m(x, h0) if h0 is not None else m(x)
    wo = vals(o.shape, 3000 + i); wh = vals(h.shape, 4000 + i)
    loss = (o * wo).sum() + (h * wh).sum()
    loss.backward()
    e = {"name": c["name"], "seed": seed, "input_size": c["input_size"], "hidden_size": c["hidden_size"],
         "num_layers": layers, "nonlinearity": c["kw"].get("nonlinearity", "tanh"), "bias": c["kw"].get("bias", True),
         "batch_first": bf, "dropout": c["kw"].get("dropout", 0.0), "bidirectional": D == 2, "train": train,
         "repr": repr(m), "params": {n: T(p) for n, p in params.items()}, "input": T(x),
         "output": T(o), "h_n": T(h), "wo": T(wo), "wh": T(wh),
         "grads": {n: T(p.grad) for n, p in m.named_parameters()}, "grad_input": T(x.grad)}
    if h0 is not None:
        e["h0"] = T(h0); e["grad_h0"] = T(h0.grad)
    out["rnn"].append(e)

cells = [dict(name="cell_tanh", input_size=3, hidden_size=4, kw={}, N=2, h0=True),
         dict(name="cell_relu_nobias", input_size=2, hidden_size=3, kw=dict(nonlinearity="relu", bias=False), N=3, h0=True),
         dict(name="cell_unbatched_noh0", input_size=3, hidden_size=2, kw={}, N=None, h0=False)]
for i, c in enumerate(cells):
    seed = 200 + i
    torch.manual_seed(seed)
    m = nn.RNNCell(c["input_size"], c["hidden_size"], **c["kw"])
    xshape = (c["input_size"],) if c["N"] is None else (c["N"], c["input_size"])
    hshape = (c["hidden_size"],) if c["N"] is None else (c["N"], c["hidden_size"])
    x = vals(xshape, 5000 + i).requires_grad_()
    h0 = vals(hshape, 6000 + i).requires_grad_() if c["h0"] else None
    params = {n: p.detach().clone() for n, p in m.named_parameters()}
    h = m(x, h0) if h0 is not None else m(x)
    wh = vals(h.shape, 7000 + i)
    (h * wh).sum().backward()
    e = {"name": c["name"], "seed": seed, "input_size": c["input_size"], "hidden_size": c["hidden_size"],
         "nonlinearity": c["kw"].get("nonlinearity", "tanh"), "bias": c["kw"].get("bias", True), "repr": repr(m),
         "params": {n: T(p) for n, p in params.items()}, "input": T(x), "output": T(h), "wh": T(wh),
         "grads": {n: T(p.grad) for n, p in m.named_parameters()}, "grad_input": T(x.grad)}
    if h0 is not None:
        e["h0"] = T(h0); e["grad_h0"] = T(h0.grad)
    out["cell"].append(e)

# Bad input: PyTorch's messages.
errs = []
def err(what, f):
    try:
        f(); errs.append({"case": what, "message": None})
    except Exception as ex:
        errs.append({"case": what, "type": type(ex).__name__, "message": str(ex)})
torch.manual_seed(0)
m = nn.RNN(1, 8, num_layers=2)
err("hidden_batched", lambda: m(torch.zeros(5, 3, 1), torch.zeros(1, 3, 8)))
err("input_size", lambda: m(torch.zeros(5, 3, 2)))
err("input_dims", lambda: m(torch.zeros(2, 5, 3, 1)))
err("hidden_unbatched_dims", lambda: m(torch.zeros(5, 1), torch.zeros(2, 1, 8)))
err("hidden_batched_dims", lambda: m(torch.zeros(5, 3, 1), torch.zeros(2, 8)))
err("nonlinearity", lambda: nn.RNN(1, 8, nonlinearity="sigmoid"))
err("dropout_range", lambda: nn.RNN(1, 8, dropout=1.5))
cell = nn.RNNCell(3, 4)
err("cell_input_dims", lambda: cell(torch.zeros(2, 3, 3)))
err("cell_hidden_dims", lambda: cell(torch.zeros(2, 3), torch.zeros(4)))
err("cell_input_size", lambda: cell(torch.zeros(2, 5)))
err("cell_hidden_size", lambda: cell(torch.zeros(2, 3), torch.zeros(2, 5)))
err("cell_nonlinearity", lambda: nn.RNNCell(3, 4, nonlinearity="gelu"))
out["errors"] = errs
import warnings
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    nn.RNN(1, 8, dropout=0.5)
    out["dropout_warning"] = str(w[0].message) if w else None

with open(sys.argv[1], "w") as f:
    json.dump(out, f, indent=1)
