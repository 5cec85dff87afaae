"""PyTorch twins of the Fluxion benchmark workloads (same data, seeds and iteration counts).

Run with Debian's python3-torch: /usr/bin/python3 benchmarks/pytorch_twins.py W1 [--runs N] [--warmup N] [--iters N] [--quick]
Prints one JSON object in the same format as Fluxion.Bench.
"""
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


ITERS = 0  # --iters override of the training-iteration count (0 = the workload's own)


def pick(quick, full):
    return 1 if quick else (ITERS if ITERS > 0 else full)


def training_pairs():
    torch.manual_seed(0)
    x = torch.rand(100) * 2
    y = x + 2 * (x - 0.9) ** 2 + 0.3 * torch.cos(20 * x) + 0.1 * torch.randn(100)
    return x, y


def w1(quick):
    iters = pick(quick, 4000)
    x, y = training_pairs()
    y = y.unsqueeze(1)
    x = torch.stack([x, x.pow(2)], dim=1)
    torch.manual_seed(0)
    model = nn.Linear(2, 1)
    loss_fn = nn.MSELoss()
    last = float("nan")
    for _ in range(iters):
        loss = loss_fn(model(x), y)
        model.zero_grad()
        loss.backward()
        last = loss.item()
        with torch.no_grad():
            for p in model.parameters():
                p -= 1e-2 * p.grad
    return iters, last


def fit(model, opt, loss_fn, x, y, iters):
    """The training loop every module workload shares: forward, zero_grad, backward, read the loss, step."""
    last = float("nan")
    for _ in range(iters):
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        last = loss.item()
        opt.step()
    return iters, last


def w2(quick):
    iters = pick(quick, 4000)
    x, y = training_pairs()
    x, y = x.unsqueeze(1), y.unsqueeze(1)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 1))
    opt = torch.optim.SGD(model.parameters(), lr=1e-2)
    loss_fn = nn.MSELoss()
    return fit(model, opt, loss_fn, x, y, iters)


def w3(quick):
    iters = pick(quick, 8000)
    torch.manual_seed(0)
    x = torch.linspace(0.0, 2.2, steps=16).unsqueeze(1)
    y = torch.cos(2 * torch.pi * x) + 0.1 * torch.randn_like(x)
    act = nn.ReLU()
    model = nn.Sequential(nn.Linear(1, 10), act, nn.Linear(10, 10), act, nn.Linear(10, 10), act, nn.Linear(10, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    loss_fn = nn.MSELoss()
    return fit(model, opt, loss_fn, x, y, iters)


def himmelblau_run(u0, v0, make_opt, max_steps):
    uv = torch.tensor([u0, v0], requires_grad=True)
    opt = make_opt([uv])
    prev = float("nan")
    steps = 0
    while steps < max_steps:
        u, v = uv[0], uv[1]
        loss = (u ** 2 + v - 11) ** 2 + (u + v ** 2 - 7) ** 2
        lv = loss.item()
        steps += 1
        opt.zero_grad()
        loss.backward()
        opt.step()
        if abs(lv - prev) < 1e-3:
            break
        prev = lv
    return steps, uv[0].item()


def w4(quick):
    max_steps = 1 if quick else 100
    runs = [(-1.0, 0.0, lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.8)),
            (-1.0, 0.0, lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.5)),
            (-1.0, 0.0, lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.0)),
            (3.0, 0.0, lambda p: torch.optim.Adam(p, lr=0.03)),
            (3.0, 0.0, lambda p: torch.optim.RMSprop(p, lr=0.03)),
            (3.0, 0.0, lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.7))]
    total, check = 0, 0.0
    for u0, v0, make in runs:
        s, uf = himmelblau_run(u0, v0, make, max_steps)
        total += s
        check += uf
    return total, check


def mlp(widths):
    layers = []
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def w5(quick):
    iters, batch, hidden = (1, 64, 16) if quick else (pick(quick, 200), 1024, 256)
    x = torch.linspace(-2.0, 2.0, batch).reshape(batch, 1)
    y = torch.sin(x * 3.0)
    torch.manual_seed(0)
    model = mlp([1, hidden, hidden, hidden, 1])
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.MSELoss()
    return fit(model, opt, loss_fn, x, y, iters)


def w6(quick):
    iters, batch, in_f, hidden = (1, 16, 32, 16) if quick else (pick(quick, 100), 256, 784, 512)
    torch.manual_seed(0)
    x = torch.randn(batch, in_f)
    targets = torch.arange(batch) % 10
    model = mlp([in_f, hidden, hidden, 10])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    last = float("nan")
    for _ in range(iters):
        loss = F.cross_entropy(model(x), targets)
        opt.zero_grad()
        loss.backward()
        last = loss.item()
        opt.step()
    return iters, last


def rosenbrock(x):
    a, b = x[:-1], x[1:]
    return (100.0 * (b - a * a) ** 2 + (1.0 - a) ** 2).sum()


def w7(quick):
    hessians, grads, dim = (1, 1, 8) if quick else (20, 10000, 100)
    x = torch.tensor([0.5 + 0.01 * i for i in range(dim)], dtype=torch.float64)
    check = 0.0
    for _ in range(hessians):
        h = torch.autograd.functional.hessian(rosenbrock, x)
        check += h[0, 0].item()
    for i in range(grads):
        u = torch.tensor(-4.0 + 8.0 * (i % 100) / 99.0, dtype=torch.float64, requires_grad=True)
        v = torch.tensor(-4.0 + 8.0 * (i // 100 % 100) / 99.0, dtype=torch.float64, requires_grad=True)
        a = u ** 2 + v - 11.0
        b = u + v ** 2 - 7.0
        g = torch.autograd.grad(a * a + b * b, (u, v))
        check += 1e-6 * g[0].item()
    return hessians + grads, check


def w8(quick):
    iters, length = (1, 256) if quick else (pick(quick, 500), 4096)
    torch.manual_seed(0)
    t = torch.linspace(0.0, 8.0 * math.pi, length)
    clean = torch.sin(t).reshape(1, 1, length)
    noisy = clean + 0.3 * torch.randn(length).reshape(1, 1, length)
    conv = nn.Conv1d(1, 1, 31, padding=15)
    opt = torch.optim.SGD(conv.parameters(), lr=0.01)
    loss_fn = nn.MSELoss()
    last = float("nan")
    for _ in range(iters):
        loss = loss_fn(conv(noisy), clean)
        opt.zero_grad()
        loss.backward()
        last = loss.item()
        opt.step()
    return iters, last


# K1's operands per size, made by the first (warm-up) run so that timed runs measure the products alone.
_k1_operands = {}


def k1(n, reps):
    if n not in _k1_operands:
        torch.manual_seed(0)
        _k1_operands[n] = (torch.rand(n, n), torch.rand(n, n))
    a, b = _k1_operands[n]
    check = 0.0
    for _ in range(reps):
        c = torch.mm(a, b)
        check = c[0, 0].item()
    return reps, check


def w9(quick):
    outs = [w1(quick), w2(quick), w3(quick), w4(quick)]
    return sum(o[0] for o in outs), sum(o[1] for o in outs)


WORKLOADS = {
    "W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6, "W7": w7, "W8": w8, "W9": w9,
    "K1_512": lambda q: k1(64, 1) if q else k1(512, 4),
    "K1_1024": lambda q: k1(96, 1) if q else k1(1024, 1),
}


def main(argv):
    if not argv or argv[0].upper() not in WORKLOADS:
        print("usage: pytorch_twins.py <%s> [--runs N] [--warmup N] [--iters N] [--quick]" % "|".join(WORKLOADS), file=sys.stderr)
        return 2
    name = argv[0].upper()
    quick = "--quick" in argv
    # The Torch-backend benchmarks pin every libtorch side to the same intra-op thread count.
    threads = os.environ.get("FLUXION_TORCH_THREADS", "")
    if threads.strip():
        torch.set_num_threads(int(threads))

    def opt(flag, default):
        return int(argv[argv.index(flag) + 1]) if flag in argv else default

    global ITERS
    ITERS = opt("--iters", 0)
    runs = opt("--runs", 1 if quick else 5)
    warmup = opt("--warmup", 0 if quick else 1)
    fn = WORKLOADS[name]
    for _ in range(warmup):
        fn(quick)
    times, result = [], (0, float("nan"))
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn(quick)
        times.append(time.perf_counter() - t0)
    out = {"side": "pytorch", "workload": name, "quick": quick, "iterations": result[0], "runs_s": times,
           "alloc_bytes_per_iter": None, "compute_threads": torch.get_num_threads(),
           "interop_threads": torch.get_num_interop_threads(), "torch": torch.__version__,
           "check": result[1] if math.isfinite(result[1]) else None}
    if name.startswith("K1"):
        n = (96 if quick else 1024) if name.endswith("1024") else (64 if quick else 512)
        out["gflops"] = [2.0 * n ** 3 * result[0] / t / 1e9 for t in times]
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
