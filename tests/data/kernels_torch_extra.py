# Makes tests/data/kernels_torch_extra.json with Debian's PyTorch 1.13 (python3-torch, /usr/bin/python3), one thread.
# Usage: /usr/bin/python3 tests/data/kernels_torch_extra.py OUTPUT.json
#   e.g. /usr/bin/python3 tests/data/kernels_torch_extra.py tests/data/kernels_torch_extra.json
import sys, torch, numpy as np, json, struct
if len(sys.argv) != 2:
    sys.exit("usage: /usr/bin/python3 tests/data/kernels_torch_extra.py OUTPUT.json")
torch.set_num_threads(1)
rng = np.random.default_rng(1234)
def h32(a): return ['0x%08x' % v for v in np.asarray(a, dtype=np.float32).reshape(-1).view(np.uint32)]
def h64(a): return ['0x%016x' % v for v in np.asarray(a, dtype=np.float64).reshape(-1).view(np.uint64)]
out = {"about": "Produced by real PyTorch 1.13 (Debian python3-torch, x86-64, ATen capability AVX2, one thread) for the Fluxion kernels tests; inputs drawn with numpy default_rng(1234). Hex = IEEE bit patterns (float32 8 digits, float64 16 digits). sum64: torch.sum/mean of contiguous 1-D float64. sum_dim: torch.sum(x, dim) of a contiguous (R,C) tensor (rows of the result in order). unary_*: torch.exp/log/tanh/sigmoid of contiguous 1-D float32 of length n (tail elements beyond full 16-element chunks included). exp_tail/log_tail: 100 tensors of 15 elements each, concatenated (no full 16-element chunk, so a scalar libm tail would show here; torch 1.13 turns out to use SLEEF for them too). ce_ignore: float32 CrossEntropyLoss with ignore_index=-100 targets. ce64/mse64: float64 log_softmax(dim=1), CrossEntropyLoss and MSELoss. Script: tests/data/kernels_torch_extra.py (run with /usr/bin/python3)."}
sizes = list(range(1, 21)) + [31, 32, 33, 64, 100, 257, 1000, 4096]
out["sum64"] = []
for n in sizes:
    x = rng.standard_normal(n) * (10.0 ** rng.integers(-3, 4))
    t = torch.tensor(x, dtype=torch.float64)
    out["sum64"].append({"n": n, "x": h64(x), "sum": h64([t.sum().item()]), "mean": h64([t.mean().item()])})
out["sum_dim"] = []
for (r, c) in [(100, 3), (100, 5), (7, 4), (50, 8), (33, 40), (300, 1), (3, 100), (17, 9), (1, 7), (20, 70), (5, 3)]:
    for dt, hx in ([(torch.float32, h32), (torch.float64, h64)] if (r, c) in [(100, 3), (7, 4), (50, 8), (20, 70)] else [(torch.float32, h32)]):
        x = rng.standard_normal((r, c)).astype(np.float32 if dt == torch.float32 else np.float64)
        t = torch.tensor(x)
        out["sum_dim"].append({"rows": r, "cols": c, "dtype": str(dt).split('.')[1], "x": hx(x),
            "sum0": hx(t.sum(0).numpy()), "sum1": hx(t.sum(1).numpy()), "mean0": hx(t.mean(0).numpy()), "mean1": hx(t.mean(1).numpy())})
lens = list(range(1, 41)) + [47, 48, 49, 64, 100, 255, 300]
for name, f, gen in [("exp", torch.exp, lambda n: rng.uniform(-20, 20, n)), ("log", torch.log, lambda n: np.exp(rng.uniform(-30, 30, n))),
                     ("tanh", torch.tanh, lambda n: rng.standard_normal(n) * 3), ("sigmoid", torch.sigmoid, lambda n: rng.standard_normal(n) * 6)]:
    cases = []
    for n in lens:
        x = gen(n).astype(np.float32)
        if name == "tanh" and n >= 20:
            x[:4] = rng.uniform(-0.02, 0.02, 4)  # small magnitudes too
            x[4:6] = [9.5, -12.0]
        y = f(torch.tensor(x)).numpy()
        cases.append({"n": n, "x": h32(x), "y": h32(y)})
    out["unary_" + name] = cases
for name, f, gen in [("exp_tail", torch.exp, lambda n: rng.uniform(-87, 88, n)), ("log_tail", torch.log, lambda n: np.exp(rng.uniform(-87, 88, n)))]:
    xs = gen(15 * 100).astype(np.float32)
    ys = np.concatenate([f(torch.tensor(xs[i:i+15])).numpy() for i in range(0, len(xs), 15)])
    out[name] = {"x": h32(xs), "y": h32(ys)}
out["ce64"] = []
for (N, C) in [(1, 2), (4, 3), (5, 10), (3, 8), (20, 4), (2, 17)]:
    x = rng.standard_normal((N, C)) * 3
    tg = rng.integers(0, C, N)
    t = torch.tensor(x)
    tt = torch.tensor(tg)
    out["ce64"].append({"N": N, "C": C, "logits": h64(x), "targets": [int(v) for v in tg],
        "log_softmax": h64(torch.log_softmax(t, 1).numpy()),
        "mean": h64([torch.nn.functional.cross_entropy(t, tt).item()]), "sum": h64([torch.nn.functional.cross_entropy(t, tt, reduction='sum').item()])})
out["mse64"] = []
for n in [5, 10, 33, 100]:
    x = rng.standard_normal(n); y = rng.standard_normal(n)
    a, b = torch.tensor(x), torch.tensor(y)
    out["mse64"].append({"n": n, "input": h64(x), "target": h64(y), "mean": h64([torch.nn.functional.mse_loss(a, b).item()]), "sum": h64([torch.nn.functional.mse_loss(a, b, reduction='sum').item()])})
r2 = np.random.default_rng(7)
x = r2.standard_normal((40, 5)).astype(np.float32) * 3
tg = r2.integers(0, 5, 40); tg[[0, 3, 16, 17, 31]] = -100
a, b = torch.tensor(x), torch.tensor(tg)
out["ce_ignore"] = {"N": 40, "C": 5, "ignore_index": -100, "logits": h32(x), "targets": [int(v) for v in tg],
    "mean": h32([torch.nn.functional.cross_entropy(a, b).item()]), "sum": h32([torch.nn.functional.cross_entropy(a, b, reduction='sum').item()])}
with open(sys.argv[1], 'w') as f:
    json.dump(out, f)
print("ok", len(json.dumps(out)))
