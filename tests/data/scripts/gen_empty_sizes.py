# Zero-sized tensors through ops, layers and losses, and the errors PyTorch raises for them, from real
# PyTorch 1.13 (run with /usr/bin/python3): python3 gen_empty_sizes.py OUTPUT.json
# Every input is built from zeros/ones/arange so the values need no seed.
import json, math, sys, warnings
import torch, torch.nn as nn, torch.nn.functional as F

warnings.simplefilter("ignore")  # nn.Linear(0, n) warns "Initializing zero-element tensors is a no-op"
cases, errors = [], []

def num(v):
    if isinstance(v, bool): return 1.0 if v else 0.0
    v = float(v)
    if math.isnan(v): return "NaN"
    if math.isinf(v): return "Infinity" if v > 0 else "-Infinity"
    return v

def add(name, t):
    t = t.detach()
    cases.append({"name": name, "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
                  "values": [num(v) for v in t.reshape(-1).tolist()]})

def err(name, f):
    try:
        f()
    except Exception as e:
        errors.append({"name": name, "message": str(e).splitlines()[0]})
        return
    raise SystemExit("expected an error: " + name)

e = torch.zeros(2, 0)
z03 = torch.zeros(0, 3)
add("sum", e.sum())
add("mean", e.mean())
add("var", e.var())
add("std", e.std())
add("sum dim 1", e.sum(1))
add("sum dim 0", e.sum(0))
add("mean dim 1", e.mean(1))
add("mean dim 0", e.mean(0))
add("var dim 1", e.var(1))
add("max dim 0", e.max(0).values)
add("argmax dim 1 of (0, 3)", z03.argmax(1))
add("logsumexp dim 1", e.logsumexp(1))
add("softmax dim 1", e.softmax(1))
add("softmax dim 0", e.softmax(0))
add("log_softmax dim 1", e.log_softmax(1))
add("(2, 0) @ (0, 5)", torch.ones(2, 0) @ torch.ones(0, 5))
add("(0, 3) @ (3, 4)", torch.ones(0, 3) @ torch.ones(3, 4))
add("(0, 2, 3) @ (0, 3, 4)", torch.ones(0, 2, 3) @ torch.ones(0, 3, 4))
add("(2, 0) + (2, 1)", torch.ones(2, 0) + torch.ones(2, 1))
add("(2, 0) * (1, 0)", torch.ones(2, 0) * torch.ones(1, 0))
add("exp (0, 3)", z03.exp())
add("relu (0, 3)", torch.relu(z03))
add("cat (2, 0) and (2, 3) on dim 1", torch.cat([torch.zeros(2, 0), torch.ones(2, 3)], 1))
add("cat (0, 3) and (2, 3)", torch.cat([torch.zeros(0, 3), torch.ones(2, 3)], 0))
add("cat legacy (0,) and (2, 3)", torch.cat([torch.zeros(0), torch.ones(2, 3)], 0))
add("stack two (0,)", torch.stack([torch.zeros(0), torch.zeros(0)]))
add("slice [1:1] of (3, 4)", torch.ones(3, 4)[1:1])
add("reshape (2, 0) to (-1, 5)", e.reshape(-1, 5))
add("reshape (2, 0) to (5, -1)", e.reshape(5, -1))
add("expand (1, 3) to (0, 3)", torch.ones(1, 3).expand(0, 3))
add("flatten (2, 0, 3)", torch.zeros(2, 0, 3).flatten())
add("pad (2, 0) by (1, 1)", F.pad(torch.zeros(2, 0), (1, 1)))
add("repeat (2, 0) by (3, 2)", e.repeat(3, 2))
lin = nn.Linear(0, 5)
add("Linear(0, 5) bias", lin.bias)
add("Linear(0, 5) on (2, 0)", lin(torch.zeros(2, 0)))
x = torch.zeros(2, 0, requires_grad=True)
lin(x).sum().backward()
add("Linear(0, 5) bias grad", lin.bias.grad)
add("Linear(0, 5) weight grad", lin.weight.grad)
add("Linear(0, 5) input grad", x.grad)
add("Linear(5, 0) on (2, 5)", nn.Linear(5, 0)(torch.ones(2, 5)))
l3 = nn.Linear(3, 2)
F.mse_loss(l3(torch.zeros(0, 3)), torch.zeros(0, 2), reduction="sum").backward()
add("Linear(3, 2) weight grad from an empty batch", l3.weight.grad)
add("Linear(3, 2) bias grad from an empty batch", l3.bias.grad)
add("Conv1d(2, 3, 3) on (0, 2, 5)", nn.Conv1d(2, 3, 3)(torch.zeros(0, 2, 5)))
add("max_pool1d(2) on (0, 2, 4)", F.max_pool1d(torch.zeros(0, 2, 4), 2))
add("avg_pool1d(2) on (0, 2, 4)", F.avg_pool1d(torch.zeros(0, 2, 4), 2))
add("BatchNorm1d(3) on (0, 3)", nn.BatchNorm1d(3)(z03))
add("mse_loss mean", F.mse_loss(torch.zeros(0), torch.zeros(0)))
add("mse_loss sum", F.mse_loss(torch.zeros(0), torch.zeros(0), reduction="sum"))
add("mse_loss none", F.mse_loss(z03, z03, reduction="none"))
add("l1_loss mean", F.l1_loss(z03, z03))
add("huber_loss mean", F.huber_loss(torch.zeros(0), torch.zeros(0)))
add("smooth_l1_loss mean", F.smooth_l1_loss(torch.zeros(0), torch.zeros(0)))
no_targets = torch.zeros(0, dtype=torch.long)
add("cross_entropy mean", F.cross_entropy(z03, no_targets))
add("cross_entropy sum", F.cross_entropy(z03, no_targets, reduction="sum"))
add("nll_loss mean", F.nll_loss(z03, no_targets))
add("binary_cross_entropy mean", F.binary_cross_entropy(torch.zeros(0), torch.zeros(0)))
add("binary_cross_entropy_with_logits mean", F.binary_cross_entropy_with_logits(torch.zeros(0), torch.zeros(0)))
add("binary_cross_entropy_with_logits sum", F.binary_cross_entropy_with_logits(torch.zeros(0), torch.zeros(0), reduction="sum"))
x = torch.zeros(2, 0, requires_grad=True)
(x * 2).sum().backward()
add("grad of (2 x).sum() for x (2, 0)", x.grad)
x = torch.zeros(0, 3, requires_grad=True)
w = torch.ones(3, 4, requires_grad=True)
(x @ w).sum().backward()
add("grad of w in ((0, 3) @ w).sum()", w.grad)
x = torch.zeros(2, 0, requires_grad=True)
y = torch.ones(2, 3, requires_grad=True)
torch.cat([x, y], 1).sum().backward()
add("grad of y in cat((2, 0), y)", y.grad)

def two_steps(make):
    lin = nn.Linear(0, 5)
    opt = make(lin.parameters())
    for _ in range(2):
        opt.zero_grad()
        ((lin(torch.zeros(2, 0)) - 1) ** 2).mean().backward()
        opt.step()
    return lin.bias
add("Linear(0, 5) bias after 2 SGD(lr=0.1, momentum=0.9) steps", two_steps(lambda p: torch.optim.SGD(p, 0.1, momentum=0.9)))
add("Linear(0, 5) bias after 2 Adam(lr=0.1) steps", two_steps(lambda p: torch.optim.Adam(p, 0.1)))

err("max", lambda: e.max())
err("min", lambda: e.min())
err("argmax", lambda: e.argmax())
err("argmin", lambda: e.argmin())
err("max dim 1", lambda: e.max(1))
err("argmax dim 1", lambda: e.argmax(1))
err("zeros (2, -1)", lambda: torch.zeros(2, -1))

reprs = [{"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "requires_grad": t.requires_grad, "repr": repr(t)}
         for t in [torch.zeros(2, 0), torch.zeros(0), torch.zeros(0, 3), torch.zeros(2, 0, 3),
                   torch.zeros(0, dtype=torch.int64), torch.zeros(0, 3, dtype=torch.float64),
                   torch.zeros(0, dtype=torch.bool), torch.zeros(2, 0, requires_grad=True)]]

with open(sys.argv[1], "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases, "errors": errors, "reprs": reprs}, f, indent=1)
