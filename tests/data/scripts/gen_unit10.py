"""Golden printout of PCPT Unit 10 (essential techniques): the course's code cells and exercise solutions,
in order, run with PyTorch 1.13 and NumPy; plotting calls are no-ops (matplotlib is not needed).

Usage: /usr/bin/python3 gen_unit10.py OUT   (OUT: tests/data/unit10_printed.txt)

The cells are the course's, with the plotting helpers replaced by functions that draw nothing; the
exercises are libpcpt.unit10's reference solutions with their plots removed (their computations are
kept: they draw from torch's default generator as the course does). Everything printed goes to OUT,
exactly as Python prints it.

Cell 9 measures time: its four "ms/run" lines are whatever this machine measured and are compared by
form only (tests/Core.Tests/Examples/Unit10ProgramTests.fs); the six lines before them are exact.

Where PyTorch 1.13 prints otherwise than the course's stored output (made with a newer PyTorch), the golden
file holds 1.13's: cell 30's dropout mask after manual_seed(0) is tensor([0., 0., 6., 0., 0.]) (the course
shows [2, 0, 0, 8, 10]); cells 23-24's BatchNorm parameters, running statistics and outputs follow from
1.13's draws and arithmetic and differ from the course's in every number.
"""
import contextlib
import copy
import io
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def _noop(*args, **kwargs):
    pass


plot_data_boundary = plot_loss_curves = plot_regression_predictions = _noop
plot_regression_coefficients = plot_loss_matrix = plot_six_signals = _noop


# ---------------------------------------------------------------- libpcpt.unit10 exercises (no plots)
def exercise_bn_running_stats():
    def make_data(kind="Unimodal", N=400):
        if kind == "Unimodal":
            X = 1 + 1.5 * torch.randn(N, 1)
        else:
            X = torch.cat([0.5 * torch.randn(N // 2, 1) - 1.0,
                           1.2 * torch.randn(N // 2, 1) + 3.0], dim=0)
            X = X[torch.randperm(N)]
        return X

    def run_bn(X, momentum=0.1, bs=32, epochs=30):
        model = nn.BatchNorm1d(1, momentum=momentum, affine=False)
        loader = torch.utils.data.DataLoader(X, batch_size=bs, shuffle=True, drop_last=False)
        rm, rv = [model.running_mean.item()], [model.running_var.item()]
        for _ in range(epochs):
            model.train()
            for xb in loader:
                _ = model(xb)
            rm.append(model.running_mean.item()); rv.append(model.running_var.item())
        return rm, rv

    for kind in ["Unimodal", "Bimodal"]:
        X = make_data(kind)
        for m in (0.01, 0.04, 0.1):
            run_bn(X, momentum=m, bs=16, epochs=30)
        for bs in (4, 16, 64):
            run_bn(X, momentum=0.04, bs=bs, epochs=30)

    print(
        "* With small batch sizes, the per-batch mean and variance fluctuate strongly,\n"
        "  so the running statistics look zigzaggy.\n"
        "* At the same time, more batches per epoch mean more updates, so the statistics\n"
        "  adapt faster even with the same momentum.\n"
        "* Large batches give smoother but fewer updates, making convergence steadier but\n"
        "  slower.\n"
        "* In practice, BatchNorm works best with reasonably large batches that balance\n"
        "  stability and adaptability."
    )


def exercise_dropout_masks():
    torch.manual_seed(0)
    N, D = 8, 10
    X = torch.linspace(0.0, 1.0, steps=N * D).view(N, D)
    for p in [0.25, 0.5, 0.75]:
        model = nn.Dropout(p=p)
        mask = model(torch.ones_like(X)) * (1 - p)
        Y = X * mask / (1 - p)


def l1_loss(y_pred, y_true):
    return torch.mean(torch.abs(y_pred - y_true))


def corr_loss(y_pred, y_true, eps=1e-8):
    yp = y_pred - y_pred.mean()
    yt = y_true - y_true.mean()
    yp = yp / (yp.norm() + eps)
    yt = yt / (yt.norm() + eps)
    corr = torch.sum(yp * yt)
    return 1.0 - corr


def spectral_l2_fft(y_pred, y_target, n_fft=None):
    if n_fft is None: n_fft = y_pred.shape[-1]
    Mp = torch.fft.rfft(y_pred, n=n_fft, norm="ortho").abs()
    Mt = torch.fft.rfft(y_target, n=n_fft, norm="ortho").abs()
    return ((Mp - Mt)**2).mean()


def exercise_custom_losses():
    torch.manual_seed(0)

    class KernelLearner(nn.Module):
        def __init__(self, K):
            super().__init__()
            self.conv = nn.Conv1d(in_channels=1, out_channels=1, kernel_size=K, bias=False, padding="same")

        def forward(self, x):
            return self.conv(x)

    L1, K1 = 121, 121
    x1 = torch.randn(L1).view(1, 1, -1)
    t1 = torch.linspace(0, 1, L1)
    y1 = torch.sin(2 * torch.pi * 3 * t1).view(1, 1, -1)
    h1 = None
    L2, K2 = 16, 7
    x2 = torch.randn(L2).view(1, 1, -1)
    h2 = torch.randn(K2) * 0.2
    y2 = F.conv1d(x2, h2.view(1, 1, -1), padding="same")
    y2 = y2 + 0.1 * torch.randn_like(y2)
    examples = [
        ("Example 1: random input, sinusoidal output, no true kernel", x1, y1, h1, K1),
        ("Example 2: random input, random kernel, output via convolution plus noise", x2, y2, h2, K2),
    ]
    losses = [("MSE Loss", F.mse_loss), ("L1 Loss", l1_loss),
              ("Correlation Loss", corr_loss), ("Spectral Loss", spectral_l2_fft)]
    epochs = 100
    for ex_name, x, y_target, h_true, K in examples:
        print("\n" + "=" * 73)
        print(ex_name)
        print("=" * 73)
        for loss_name, loss_fn in losses:
            torch.manual_seed(0)
            model = KernelLearner(K)
            opt = torch.optim.Adam(model.parameters(), lr=0.05)
            loss_curve = []
            for _ in range(epochs):
                y_hat = model(x)
                loss = loss_fn(y_hat, y_target)
                opt.zero_grad(); loss.backward(); opt.step()
                loss_curve.append(loss.item())


def run_cells():
    # [code cell 5]
    X = torch.arange(1., 7.).view(2, 3)
    b = torch.tensor([1., 2., 3.])
    Y = X + b
    print("Example 1: Add a bias vector to each row of a matrix")
    print("Shapes:   ", X.shape, "+", b.shape, "->", Y.shape)
    print(Y)
    X = torch.arange(1., 25.).view(2, 3, 4)
    g = torch.tensor([1., 2., 3.])
    Y = X * g.view(1, 3, 1)
    print("\nExample 2: Scale each channel in a batch of 1D signals")
    print("Shapes:   ", X.shape, "*", g.view(1, 3, 1).shape, "->", Y.shape)
    print(Y)
    seq = torch.arange(1., 11.).view(2, 5)
    mu = seq.mean(dim=1, keepdim=True)
    std = seq.std(dim=1, keepdim=True)
    seq_norm = (seq - mu) / std
    print("\nExample 3: Normalize each sequence by its own mean/std")
    print("Shapes:   ", seq.shape, "->", seq_norm.shape)
    print("means:", mu)
    print("stds: ", std)
    print(seq_norm)

    # [code cell 9]
    N, D = 5000, 1000
    X = torch.arange(N * D, dtype=torch.float32).view(N, D)
    b = torch.linspace(0.0, 1.0, D, dtype=torch.float32)
    b_exp = b.unsqueeze(0).expand(N, -1)
    b_rep = b.unsqueeze(0).repeat(N, 1)
    Y1 = X + b_exp
    Y2 = X + b_rep
    print("Equal results:", torch.allclose(Y1, Y2))
    print("b_exp shares storage with b:", b_exp.data_ptr() == b.data_ptr())
    print("b_rep shares storage with b:", b_rep.data_ptr() == b.data_ptr())
    bytes_per_element = b.element_size()
    storage_b = b.numel() * bytes_per_element / 1e6
    storage_b_rep = b_rep.numel() * bytes_per_element / 1e6
    print(f"numel(b)     = {b.numel():8}  (about {storage_b:4.3f} MB)")
    print(f"numel(b_exp) = {b_exp.numel():8}  (about {storage_b:4.3f} MB; "
          f"no extra storage)")
    print(f"numel(b_rep) = {b_rep.numel():8}  (about {storage_b_rep:4.1f} MB)")

    def bench(fn, iters=10, warmup=2):
        for _ in range(warmup):
            fn()
        times = []
        for _ in range(iters):
            t0 = time.perf_counter()
            fn()
            t1 = time.perf_counter()
            times.append(t1 - t0)
        return sum(times) / len(times)

    with torch.no_grad():
        t_build_exp = bench(lambda: b.unsqueeze(0).expand(N, -1))
        t_build_rep = bench(lambda: b.unsqueeze(0).repeat(N, 1))
        t_add_exp = bench(lambda: (X + b.unsqueeze(0).expand(N, -1)).sum().item())
        t_add_rep = bench(lambda: (X + b.unsqueeze(0).repeat(N, 1)).sum().item())
    print(f"\nBuild with b_exp: {t_build_exp*1e3:6.4f} ms/run")
    print(f"Build with b_rep: {t_build_rep*1e3:6.4f} ms/run")
    print(f"Add with b_exp:   {t_add_exp*1e3:6.4f} ms/run")
    print(f"Add with b_rep:   {t_add_rep*1e3:6.4f} ms/run")

    # [code cell 12]
    def run_case_grad(detach, w, x):
        w.grad = None
        a = w * x
        if detach:
            b = w.detach() * x
        else:
            b = w * x
        loss_a = a**2
        loss_b = b**2
        loss = loss_a + loss_b
        loss.backward()
        return loss.item(), w.grad.item()

    w = torch.tensor(2.0, requires_grad=True)
    x = torch.tensor(3.0)
    loss_both, grad_both = run_case_grad(False, w, x)
    print(f"detach = False -> loss = {loss_both:4.1f}, grad = {grad_both:4.1f}")
    loss_det, grad_det = run_case_grad(True, w, x)
    print(f"detach = True  -> loss = {loss_det:4.1f}, grad = {grad_det:4.1f}")

    # [code cell 17] (figures only)
    torch.manual_seed(0)
    N = 200
    x1 = torch.randn(N, 1) + 5.2
    x2 = 13 * torch.randn(N, 1) + 10
    X = torch.cat([x1, x2], 1)
    y = (x1 - 6 + 0.1 * x2 > 0).float()
    mu, sigma = X.mean(0, keepdim=True), X.std(0, keepdim=True)
    eps = 1e-6
    X_std = (X - mu) / (sigma + eps)

    def train(X, y, epochs=200, lr=0.1, seed=0):
        torch.manual_seed(seed)
        model = nn.Linear(2, 1)
        opt = torch.optim.SGD(model.parameters(), lr=lr)
        loss_fn = nn.BCEWithLogitsLoss()
        for _ in range(epochs):
            opt.zero_grad()
            loss_fn(model(X), y).backward()
            opt.step()
        return model

    for col, epochs in enumerate([20, 200, 2000]):
        model_raw = train(X, y, epochs=epochs, lr=0.1, seed=col)
        model_std = train(X_std, y, epochs=epochs, lr=0.1, seed=col)

    # [code cell 20]
    torch.manual_seed(0)
    N = 200
    x1 = torch.randn(N, 1) + 5.2
    x2 = 13 * torch.randn(N, 1) + 10
    X = torch.cat([x1, x2], 1)
    y = (x1 - 6 + 0.1 * x2 > 0).float()

    class SimpleMLP(nn.Module):
        def __init__(self, input_dim=2, hidden_dim=8, num_classes=1, with_bn=False):
            super().__init__()
            self.net = nn.Sequential(
                nn.Linear(input_dim, hidden_dim),
                nn.BatchNorm1d(hidden_dim) if with_bn else nn.Identity(),
                nn.ReLU(),
                nn.Linear(hidden_dim, hidden_dim // 2),
                nn.BatchNorm1d(hidden_dim // 2) if with_bn else nn.Identity(),
                nn.ReLU(),
                nn.Linear(hidden_dim // 2, num_classes)
            )

        def forward(self, x):
            return self.net(x)

    def train_model(X, y, epochs=100, lr=0.1, seed=0, with_bn=False, batch_size=64):
        torch.manual_seed(seed)
        model = SimpleMLP(input_dim=2, num_classes=1, with_bn=with_bn)
        opt = torch.optim.SGD(model.parameters(), lr=lr)
        loss_fn = nn.BCEWithLogitsLoss()
        dataset = torch.utils.data.TensorDataset(X, y)
        loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True)
        losses = []
        model.train()
        for _ in range(epochs):
            epoch_loss = 0.0
            for xb, yb in loader:
                opt.zero_grad()
                logits = model(xb).view(-1, 1)
                loss = loss_fn(logits, yb)
                loss.backward()
                opt.step()
                epoch_loss += loss.item() * xb.size(0)
            losses.append(epoch_loss / len(dataset))
        return model, losses

    epochs_list = [10, 40, 120]
    for col, ep in enumerate(epochs_list):
        model_no_bn, losses_no_bn = train_model(X, y, epochs=ep, with_bn=False)
        model_with_bn, losses_w_bn = train_model(X, y, epochs=ep, with_bn=True)
        all_losses = np.zeros((2, ep))
        all_losses[0, :] = losses_no_bn
        all_losses[1, :] = losses_w_bn

    # [code cell 23]
    print("=== model_with_bn ===")
    print(model_with_bn)
    print("\n=== BatchNorm layers: parameters and running stats ===")
    for name, module in model_with_bn.named_modules():
        if isinstance(module, nn.BatchNorm1d):
            print(f"\nLayer: {name}")
            print("  gamma (weight):", module.weight.data.detach().numpy().round(2))
            print("  beta  (bias):  ", module.bias.data.detach().numpy().round(2))
            print("  running mean:  ", module.running_mean.detach().numpy().round(2))
            print("  running var:   ", module.running_var.detach().numpy().round(2))
    batch_sizes = [2, 4, 8]
    train_outputs, eval_outputs = {}, {}
    base_state = copy.deepcopy(model_with_bn.state_dict())

    def fmt(arr):
        return "[" + " ".join(f"{v:5.2f}" for v in arr) + "]"

    for k in batch_sizes:
        xb = X[:k]
        model_with_bn.load_state_dict(base_state)
        model_with_bn.train()
        with torch.no_grad():
            out_train = torch.sigmoid(model_with_bn(xb)).squeeze().numpy()
        train_outputs[k] = out_train
        model_with_bn.load_state_dict(base_state)
        model_with_bn.eval()
        with torch.no_grad():
            out_eval = torch.sigmoid(model_with_bn(xb)).squeeze().numpy()
        eval_outputs[k] = out_eval

    # [code cell 24]
    print("\n=== TRAIN mode output (batch stats; running stats updated) ===")
    for k in batch_sizes:
        print(f"Batch size {k:2d}:", fmt(train_outputs[k]))
    print("\n=== EVAL mode output (fixed running stats; independent of batch) ===")
    for k in batch_sizes:
        print(f"Batch size {k:2d}:", fmt(eval_outputs[k]))

    # [code cell 28] (figures only)
    torch.manual_seed(0)
    x = torch.tensor([-0.9, -0.6, -0.4, -0.1, 0.0, 0.3, 0.6, 0.8]).unsqueeze(1)
    y = torch.tensor([0.0, 0.4, -0.4, -0.1, 0.3, 0.8, -0.2, 0.8]).unsqueeze(1)
    D = 10
    X = torch.cat([x**k for k in range(D + 1)], dim=1)

    def make_model(in_dim):
        return nn.Linear(in_dim, 1, bias=True)

    def train_wd(model, X, y, weight_decay=0.0, epochs=500, lr=0.1):
        opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
        loss_fn = nn.MSELoss()
        for _ in range(epochs):
            opt.zero_grad()
            loss = loss_fn(model(X), y)
            loss.backward()
            opt.step()
        return model

    model_no_wd = train_wd(make_model(D + 1), X, y, weight_decay=0.0)
    model_with_wd = train_wd(make_model(D + 1), X, y, weight_decay=0.01)

    # [code cell 30]
    torch.manual_seed(0)
    x = torch.arange(1, 6, dtype=torch.float32)
    model = nn.Dropout(p=0.5)
    print(f"{'Input tensor x:':<42} {x}")
    model.train()
    print(f"{'Tensor after dropout (p=0.5, train mode):':<42} {model(x)}")
    model.eval()
    print(f"{'Tensor after dropout (p=0.5, eval mode):':<42} {model(x)}")

    # [code cell 33] (figures only)
    torch.manual_seed(0)
    N = 200
    X = torch.randn(N, 2)
    y = (X[:, 0] * X[:, 1] > 0).float().unsqueeze(1)
    X_1 = X + 0.25 * torch.randn_like(X)
    X_2 = X + 0.50 * torch.randn_like(X)
    cases = [("Clean", X), ("Light-Noise", X_1), ("Heavy-Noise", X_2)]

    class SimpleNet(nn.Module):
        def __init__(self, use_dropout=False, p=0.5, hidden_dim=64):
            super().__init__()
            self.net = nn.Sequential(
                nn.Linear(2, hidden_dim), nn.ReLU(),
                nn.Dropout(p=p) if use_dropout else nn.Identity(),
                nn.Linear(hidden_dim, hidden_dim), nn.ReLU(),
                nn.Dropout(p=p) if use_dropout else nn.Identity(),
                nn.Linear(hidden_dim, 1))

        def forward(self, x):
            return self.net(x)

    def train_do(X, y, use_dropout, epochs=100, lr=0.05, p=0.5, seed=0):
        torch.manual_seed(seed)
        model = SimpleNet(use_dropout=use_dropout, p=p)
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        loss_fn = nn.BCEWithLogitsLoss()
        losses = []
        for _ in range(epochs):
            model.train()
            opt.zero_grad()
            loss = loss_fn(model(X), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return model, losses

    for case_name, Xc in cases:
        train_do(Xc, y, use_dropout=False)
        train_do(Xc, y, use_dropout=True)

    # [code cell 35] (figures only)
    L = 32
    t = torch.arange(L) / L
    pi = torch.pi
    x_base = 1 * torch.sin(2 * pi * 1 * t) + 0.5 * torch.sin(2 * pi * 3 * t)
    x_spiky = x_base.clone(); x_spiky[8] += 3.0; x_spiky[26] += 3.0

    # [code cell 38]
    exercise_bn_running_stats()
    # [code cell 41]
    exercise_dropout_masks()
    # [code cell 44]
    exercise_custom_losses()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_unit10.py OUT")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        run_cells()
    with open(sys.argv[1], "w", encoding="utf-8", newline="\n") as f:
        f.write(buf.getvalue())


if __name__ == "__main__":
    main()
