"""Golden printout of PCPT Unit 9 (recursion and RNNs): the course's code cells and exercise solutions, in
order, run with PyTorch 1.13, NumPy and SciPy; plotting calls are no-ops (matplotlib is not needed).

Usage: /usr/bin/python3 gen_unit09.py OUT   (OUT: tests/data/unit09_printed.txt)

The helpers the cells call (the synthetic novelty-curve dataset, peak evaluation, the exercise solutions)
are restated here without their plots, following libpcpt.unit09; everything printed goes to OUT exactly
as Python prints it.
"""
import contextlib
import sys

import numpy as np
import torch
import torch.nn as nn
from scipy.signal import find_peaks
from torch.utils.data import Dataset, DataLoader


def _no_plot(*args, **kwargs):
    return None, None


plot_io = visualize_training_pairs = plot_prediction_example = plot_prediction_examples = _no_plot
plot_peaks_stem = _no_plot


# ---------------------------------------------------------------- recursive filters (cell 5)
def echo(x, delay=3, gain=0.6, length=None):
    T = length if length is not None else len(x)
    y = np.zeros(T, dtype=float)
    for n in range(T):
        x_n = x[n] if n < len(x) else 0.0
        y[n] = x_n + (gain * y[n - delay] if n >= delay else 0.0)
    return y


def smoothing(x, s=0.5, length=None):
    T = length if length is not None else len(x)
    y = np.zeros(T, dtype=float)
    for n in range(T):
        x_n = x[n] if n < len(x) else 0.0
        y_prev = y[n - 1] if n > 0 else 0.0
        y[n] = s * x_n + (1 - s) * y_prev
    return y


def change_detector_recursive(x, r=0.6, k=1.0, length=None):
    T = length if length is not None else len(x)
    y = np.zeros(T, dtype=float)
    for n in range(1, T):
        x_n = x[n] if n < len(x) else 0.0
        x_prev = x[n - 1] if n - 1 < len(x) else 0.0
        y[n] = r * y[n - 1] + k * (x_n - x_prev)
    return y


def running_sum_decay(x, r=0.8, length=None):
    T = length if length is not None else len(x)
    y = np.zeros(T, dtype=float)
    for n in range(T):
        x_n = x[n] if n < len(x) else 0.0
        y_prev = y[n - 1] if n > 0 else 0.0
        y[n] = r * y_prev + x_n
    return y


# ---------------------------------------------------------------- libpcpt.unit09 dataset and evaluation
def _gauss(L, center, sigma):
    n = np.arange(L, dtype=float)
    return np.exp(-0.5 * ((n - center) / float(sigma)) ** 2)


def _sample_peaks(seq_len, k, min_gap, rng):
    min_gap = max(min_gap, 1)
    offset = int(rng.integers(0, min_gap))
    candidates = np.arange(offset, seq_len, min_gap)
    k = min(k, len(candidates))
    return np.sort(rng.choice(candidates, size=k, replace=False)).tolist()


def _gauss_kernel1d(sigma, radius):
    if sigma is None or sigma <= 0 or radius < 1:
        return np.array([1.0], dtype=float)
    n = np.arange(-radius, radius + 1, dtype=float)
    k = np.exp(-0.5 * (n / float(sigma)) ** 2)
    k /= np.sum(k)
    return k


class NoveltyCurveDataset(Dataset):
    def __init__(self, n_samples=800, seq_len=128, x_max=2.0, min_gap=10, amp_range=(0.6, 1.6),
                 tau_range=(2.0, 5.0), sigma_target=None, noise_std=0.02, n_peaks_range=(2, 6),
                 combine="max", rise_len_rng=(2, 6), rise_jitter_std=0.05,
                 smooth_sigma_range=(0.5, 2.0), smooth_radius=4, seed=0):
        super().__init__()
        seq_len, min_gap = int(seq_len), int(min_gap)
        rng = np.random.default_rng(seed)
        X_list, Y_list = [], []
        log_tmin, log_tmax = np.log(float(tau_range[0])), np.log(float(tau_range[1]))
        for _ in range(n_samples):
            K = int(rng.integers(n_peaks_range[0], n_peaks_range[1] + 1))
            centers = _sample_peaks(seq_len, K, min_gap, rng)
            y = np.zeros(seq_len, dtype=float)
            if sigma_target is None:
                for c in centers:
                    y[c] = 1.0
            else:
                for c in centers:
                    bump = _gauss(seq_len, c, float(sigma_target))
                    y = np.maximum(y, bump) if combine == "max" else (y + bump)
            x = np.zeros(seq_len, dtype=float)
            for c in centers:
                A = rng.uniform(float(amp_range[0]), float(amp_range[1]))
                tau = np.exp(rng.uniform(log_tmin, log_tmax))
                r = np.exp(-1.0 / tau)
                n = np.arange(c, seq_len, dtype=float)
                tail = A * (r ** (n - c))
                L_rise = int(rng.integers(rise_len_rng[0], rise_len_rng[1] + 1))
                L_rise = max(1, min(L_rise, seq_len - c))
                k = np.arange(L_rise, dtype=float)
                ramp = np.minimum(1.0, (k + 1.0) / L_rise)
                jitter = 1.0 + float(rise_jitter_std) * rng.standard_normal(L_rise)
                tail[:L_rise] *= ramp * jitter
                x[c:] += tail
            if smooth_sigma_range is not None and smooth_radius >= 1:
                sigma_sm = rng.uniform(float(smooth_sigma_range[0]), float(smooth_sigma_range[1]))
                x = np.convolve(x, _gauss_kernel1d(sigma_sm, int(smooth_radius)), mode='same')
            if noise_std > 0:
                x += float(noise_std) * rng.standard_normal(seq_len)
            xmax = np.max(x)
            if xmax > 0:
                x = (float(x_max) / xmax) * x
            else:
                x[:] = 0.0
            X_list.append(x.astype(np.float32))
            Y_list.append(y.astype(np.float32))
        self.X = torch.from_numpy(np.stack(X_list, axis=0)).unsqueeze(-1)
        self.Y = torch.from_numpy(np.stack(Y_list, axis=0)).unsqueeze(-1)

    def __len__(self):
        return self.X.size(0)

    def __getitem__(self, idx):
        return self.X[idx], self.Y[idx]


def compute_prediction_dataset(model, dataset, indices=None, pred='probs'):
    if indices is None:
        indices = range(len(dataset))
    results = []
    model.eval()
    with torch.no_grad():
        for idx in indices:
            x, y = dataset[idx]
            logits = model(x.unsqueeze(0))
            y_pred = torch.sigmoid(logits) if pred == 'probs' else logits
            results.append((int(idx), x[:, 0].numpy(), y[:, 0].numpy(), y_pred[0, :, 0].numpy()))
    return results


def eval_PRF(B_ref, B_pred, tolerance=0):
    B_ref = np.sort(np.asarray(B_ref, dtype=int))
    B_pred = np.sort(np.asarray(B_pred, dtype=int))
    cond_ref = np.all(np.diff(B_ref) > 2 * tolerance) if B_ref.size > 1 else True
    cond_pred = np.all(np.diff(B_pred) > 2 * tolerance) if B_pred.size > 1 else True
    matched_ref = np.zeros(B_ref.size, dtype=bool)
    matched_pred = np.zeros(B_pred.size, dtype=bool)
    for i, b_pred in enumerate(B_pred):
        diffs = np.abs(B_ref - b_pred)
        candidates = np.where((diffs <= tolerance) & (~matched_ref))[0]
        if candidates.size:
            j = candidates[np.argmin(diffs[candidates])]
            matched_ref[j] = True
            matched_pred[i] = True
    TP = int(matched_pred.sum())
    FP = int((~matched_pred).sum())
    FN = int((~matched_ref).sum())
    P = TP / (TP + FP) if (TP + FP) > 0 else 0.0
    R = TP / (TP + FN) if (TP + FN) > 0 else 0.0
    F = (2 * P * R / (P + R)) if (P + R) > 0 else 0.0
    return P, R, F, cond_ref, cond_pred


def mean_PRF(results):
    P_vals, R_vals, F_vals = [], [], []
    cond_ref_all, cond_pred_all = True, True
    for r in results:
        _, P, R, F, cond_ref, cond_pred, *_ = r
        P_vals.append(P)
        R_vals.append(R)
        F_vals.append(F)
        cond_ref_all = cond_ref_all and cond_ref
        cond_pred_all = cond_pred_all and cond_pred
    P_mean = float(np.mean(P_vals)) if P_vals else 0.0
    R_mean = float(np.mean(R_vals)) if R_vals else 0.0
    F_mean = float(np.mean(F_vals)) if F_vals else 0.0
    return P_mean, R_mean, F_mean, cond_ref_all, cond_pred_all


def eval_peaks_dataset(examples, tolerance=0, height=0.5, distance=None, plot=False, print_summary=True):
    results = []
    tol = int(tolerance)
    if distance is None:
        distance = 2 * tol + 1
    distance = max(int(distance), 1)
    for (idx, x_np, y_np, yp_np) in examples:
        y_ref = np.asarray(y_np).reshape(-1)
        y_pred = np.asarray(yp_np).reshape(-1)
        peaks_ref, props_ref = find_peaks(y_ref, height=height, distance=distance, plateau_size=True)
        peaks_pred, props_pred = find_peaks(y_pred, height=height, distance=distance, plateau_size=True)
        P, R, F, cond_ref, cond_pred = eval_PRF(peaks_ref, peaks_pred, tolerance=tol)
        if print_summary:
            print(f"[idx={idx}] P={P:.3f} | R={R:.3f} | F={F:.3f} "
                  f"| cond_ref={cond_ref} | cond_pred={cond_pred}")
        results.append((idx, P, R, F, cond_ref, cond_pred, peaks_ref, props_ref, peaks_pred, props_pred))
    return results


def make_bce_loss_from_dataset(train_ds):
    with torch.no_grad():
        pos_frac = (train_ds.Y > 0.5).float().mean().item()
    ratio = (1.0 - pos_frac) / max(pos_frac, 1e-6)
    return nn.BCEWithLogitsLoss(pos_weight=torch.tensor([ratio], dtype=torch.float32))


class SimpleTanhRNN(nn.Module):
    def __init__(self, hidden_size=8, bidirectional=False, batch_first=True):
        super().__init__()
        self.rnn = nn.RNN(input_size=1, hidden_size=hidden_size, num_layers=1, nonlinearity="tanh",
                          bias=True, batch_first=batch_first, bidirectional=bidirectional)
        d = 2 if bidirectional else 1
        self.readout = nn.Linear(d * hidden_size, 1, bias=True)

    def forward(self, x, h0=None):
        h_seq, _ = self.rnn(x, h0)
        return self.readout(h_seq)


def evaluate_model_loader(model, loader, loss_fn, use_sigmoid=False):
    model.eval()
    total, n = 0.0, 0
    with torch.no_grad():
        for xb, yb in loader:
            yb_pred = model(xb)
            if use_sigmoid:
                yb_pred = torch.sigmoid(yb_pred)
            loss = loss_fn(yb_pred, yb)
            total += loss.item() * xb.size(0)
            n += xb.size(0)
    return total / max(n, 1)


# ---------------------------------------------------------------- libpcpt.unit09 exercises (no plots)
def exercise_recursive_impulse():
    print("== Impulse responses for Echo, Smoothing, Change Detector, Running Sum with Dec. ==")
    print("\n== Change detector impulse responses for different (r, k) settings ==")


def exercise_weighting_pos():
    settings = [
        {"sigma": None, "min_gap": 10, "peaks": (3, 6), "seed": 0},
        {"sigma": 1.0, "min_gap": 10, "peaks": (3, 6), "seed": 0},
        {"sigma": 2.0, "min_gap": 10, "peaks": (3, 6), "seed": 0},
        {"sigma": 2.0, "min_gap": 10, "peaks": (3, 6), "seed": 1},
        {"sigma": 1.0, "min_gap": 5, "peaks": (3, 8), "seed": 0},
        {"sigma": 1.0, "min_gap": 5, "peaks": (5, 10), "seed": 0},
        {"sigma": 1.0, "min_gap": 5, "peaks": (8, 12), "seed": 0},
        {"sigma": 1.0, "min_gap": 5, "peaks": (8, 12), "seed": 1},
    ]
    eps = 1e-5
    print("Using:")
    print("ds = NoveltyCurveDataset(n_samples=200, seq_len=128, sigma_target, min_gap, n_peaks_range, seed)")
    print(f"epsilon = {eps}\n")
    print("sigma | min_gap | n_peaks_range | seed | pos_frac | pw_own | pw_from_loss | abs_diff")
    print("------------------------------------------------------------------------------------")
    for cfg in settings:
        ds = NoveltyCurveDataset(n_samples=200, seq_len=128, sigma_target=cfg["sigma"],
                                 min_gap=cfg["min_gap"], n_peaks_range=cfg["peaks"], seed=cfg["seed"])
        with torch.no_grad():
            pos_frac = (ds.Y > 0.5).float().mean().item()
        pw_own = (1.0 - pos_frac) / max(pos_frac, eps)
        loss_fn = make_bce_loss_from_dataset(ds)
        pw_from_loss = loss_fn.pos_weight.item()
        sigma_str = "None" if cfg["sigma"] is None else f"{cfg['sigma']:.1f}"
        print(f"{sigma_str:5} | {cfg['min_gap']:7d} | {str(cfg['peaks']):13s} | "
              f"{cfg['seed']:4d} | {pos_frac:8.4f} | {pw_own:6.2f} | {pw_from_loss:12.2f} | "
              f"{abs(pw_own - pw_from_loss):8.2e}")
    print("\nNote: Differences between pw_own and pw_from_loss are due to different epsilon \n"
          "values used to avoid division by zero.")


def evaluate_model_dataset(model, ds, tolerance=2, height=0.4, distance=None):
    pred_ds = compute_prediction_dataset(model, ds, indices=None, pred='probs')
    eval_ds = eval_peaks_dataset(pred_ds, tolerance=tolerance, height=height, distance=None,
                                 plot=False, print_summary=False)
    P_mean, R_mean, F_mean, _, _ = mean_PRF(eval_ds)
    return P_mean, R_mean, F_mean


def train_SimpleTanhRNN_PRF(train_loader, val_loader, train_ds, val_ds, hidden_size=8, bidirectional=False,
                            lr=0.01, epochs=20, clip=1.0, print_every=10, snapshot_idx=0,
                            weight_balance=True, tolerance=2, height=0.4, distance=None):
    model = SimpleTanhRNN(hidden_size=hidden_size, bidirectional=bidirectional)
    loss_fn = make_bce_loss_from_dataset(train_ds) if weight_balance else nn.BCEWithLogitsLoss()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for ep in range(1, epochs + 1):
        model.train()
        total, count = 0.0, 0
        for xb, yb in train_loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            if clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            total += loss.item() * xb.size(0)
            count += xb.size(0)
        train_loss = total / max(count, 1)
        val_loss = evaluate_model_loader(model, val_loader, loss_fn, use_sigmoid=False)
        train_P, train_R, train_F = evaluate_model_dataset(model, train_ds, tolerance, height, distance)
        val_P, val_R, val_F = evaluate_model_dataset(model, val_ds, tolerance, height, distance)
        if (ep % print_every == 0) or ep == 1 or ep == epochs:
            print(f"Ep {ep:2d} | T-L: {train_loss:.3f} | V-L: {val_loss:.3f} "
                  f"| T-PRF: {train_P:.2f}/{train_R:.2f}/{train_F:.2f} "
                  f"| V-PRF: {val_P:.2f}/{val_R:.2f}/{val_F:.2f}")
    return model, []


def exercise_training_prf():
    train_ds = NoveltyCurveDataset(n_samples=200, seq_len=128, sigma_target=1.0, seed=0)
    train_loader = DataLoader(train_ds, batch_size=32, shuffle=True)
    val_ds = NoveltyCurveDataset(n_samples=100, seq_len=128, sigma_target=1.0, seed=1)
    val_loader = DataLoader(val_ds, batch_size=32)
    tolerance, height = 2, 0.4
    print("=============================================")
    print("Training on train_ds and validation on val_ds")
    print(f"PRF settings: tolerance={tolerance}, height={height}")
    print("=============================================")
    print("train_ds = NoveltyCurveDataset(n_samples=200, seq_len=128, sigma_target=1.0, seed=0)")
    print("val_ds  =  NoveltyCurveDataset(n_samples=100, seq_len=128, sigma_target=1.0, seed=1)\n")
    torch.manual_seed(0)
    model, _ = train_SimpleTanhRNN_PRF(train_loader, val_loader, train_ds, val_ds, hidden_size=8,
                                       bidirectional=True, lr=0.01, epochs=15, clip=1.0, print_every=1,
                                       snapshot_idx=2, weight_balance=True, tolerance=tolerance,
                                       height=height, distance=None)
    print("\nPlot of selected examples:\n")
    eval_peaks_dataset(compute_prediction_dataset(model, val_ds, indices=[2, 6], pred='probs'),
                       tolerance=tolerance, height=height, distance=None, plot=True, print_summary=False)

    train_ds_mod = NoveltyCurveDataset(n_samples=200, seq_len=128, sigma_target=1.0, min_gap=6,
                                       n_peaks_range=(5, 8), noise_std=0.06, rise_len_rng=(2, 10), seed=0)
    train_loader_mod = DataLoader(train_ds_mod, batch_size=32)
    # The course builds 200 validation sequences here although it prints n_samples=100.
    val_ds_mod = NoveltyCurveDataset(n_samples=200, seq_len=128, sigma_target=1.0, min_gap=6,
                                     n_peaks_range=(5, 8), noise_std=0.06, rise_len_rng=(2, 10), seed=1)
    val_loader_mod = DataLoader(val_ds_mod, batch_size=32)
    tolerance, height = 1, 0.5
    print("=============================================================")
    print("Training on train_ds_mod and validation on val_ds_mod        ")
    print(f"PRF settings: tolerance={tolerance}, height={height}")
    print("=============================================================")
    print("train_ds_mod = NoveltyCurveDataset(n_samples=200, seq_len=128, sigma_target=1.0,")
    print("    min_gap=6, n_peaks_range=(5, 8), noise_std=0.06, rise_len_rng=(2, 10), seed=0)")
    print("val_ds_mod = NoveltyCurveDataset(n_samples=100, seq_len=128, sigma_target=1.0,")
    print("    min_gap=6, n_peaks_range=(5, 8), noise_std=0.06, rise_len_rng=(2, 10), seed=1)\n")
    torch.manual_seed(0)
    model, _ = train_SimpleTanhRNN_PRF(train_loader_mod, val_loader_mod, train_ds_mod, val_ds_mod,
                                       hidden_size=8, bidirectional=True, lr=0.01, epochs=15, clip=1.0,
                                       print_every=1, snapshot_idx=2, weight_balance=True,
                                       tolerance=tolerance, height=height, distance=None)
    print("\nPlot of selected examples:\n")
    eval_peaks_dataset(compute_prediction_dataset(model, val_ds_mod, indices=[4, 5], pred='probs'),
                       tolerance=tolerance, height=height, distance=None, plot=True, print_summary=False)


# ---------------------------------------------------------------- the course's cells
class ChangeDetectorRNN(nn.Module):
    def __init__(self, k=1.0, r=0.6, alpha=0.01, batch_first=True):
        super().__init__()
        self.alpha = float(alpha)
        self.rnn = nn.RNN(input_size=1, hidden_size=2, num_layers=1, nonlinearity="tanh", bias=True,
                          batch_first=batch_first)
        self.readout = nn.Linear(2, 1, bias=True)
        with torch.no_grad():
            self.rnn.weight_hh_l0.copy_(torch.tensor([[r, -k], [0.0, 0.0]], dtype=torch.float32))
            self.rnn.weight_ih_l0.copy_(torch.tensor([[self.alpha * k], [self.alpha * 1.0]], dtype=torch.float32))
            self.rnn.bias_ih_l0.zero_()
            self.rnn.bias_hh_l0.zero_()
            self.readout.weight.copy_(torch.tensor([[1.0 / self.alpha, 0.0]], dtype=torch.float32))
            self.readout.bias.zero_()

    def forward(self, x, h0=None):
        if h0 is None:
            h0 = torch.zeros(1, x.size(0), 2, dtype=x.dtype, device=x.device)
        h_seq, _ = self.rnn(x, h0)
        return self.readout(h_seq)


def run_cells():
    # cell 5 (figure only)
    # cell 15
    x = np.array([0, 0, 3, 3, 3, 0, 0], dtype=float)
    x_torch = torch.tensor(x, dtype=torch.float32).view(1, -1, 1)
    r_init, k_init, alpha = 0.6, 1.0, 0.01
    model = ChangeDetectorRNN(k=k_init, r=r_init, alpha=alpha, batch_first=True)
    with torch.no_grad():
        y_pred = model(x_torch).squeeze(0).squeeze(-1).numpy()
    y_ref = change_detector_recursive(x, r=r_init, k=k_init)
    print("PyTorch RNN output y_pred:")
    print("[" + ", ".join(f"{v:.4f}" for v in y_pred) + "]")
    print("\nReference recursion y_ref:")
    print("[" + ", ".join(f"{v:.4f}" for v in y_ref) + "]")
    max_diff = np.max(np.abs(y_pred - y_ref))
    print(f"\nMax abs. difference: {max_diff:.4e}")

    # cell 19
    train_ds = NoveltyCurveDataset(n_samples=200, seq_len=128, sigma_target=1.0, seed=0)
    val_ds = NoveltyCurveDataset(n_samples=100, seq_len=128, sigma_target=1.0, seed=1)
    train_loader = DataLoader(train_ds, batch_size=32, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=32, shuffle=False)
    # cell 21 (figure only)
    x, y = train_ds[2]

    # cell 23
    alpha = 0.1
    r_init, k_init = 0.6, 1.0
    model = ChangeDetectorRNN(k=k_init, r=r_init, alpha=alpha, batch_first=True)
    loss_fn = nn.MSELoss()
    train_loss = evaluate_model_loader(model, train_loader, loss_fn)
    val_loss = evaluate_model_loader(model, val_loader, loss_fn)
    print(f"Initial loss evaluation | Train Loss: {train_loss:.4f}"
          f" | Val Loss: {val_loss:.4f}")
    x_fix, y_fix = train_ds[2]

    # cell 25
    model = ChangeDetectorRNN(k=k_init, r=r_init, alpha=alpha, batch_first=True)
    loss_fn = nn.MSELoss()
    opt = torch.optim.Adam(model.parameters(), lr=0.002)
    epochs = 30
    for epoch in range(1, epochs + 1):
        model.train()
        total, count = 0.0, 0
        for xb, yb in train_loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * xb.size(0)
            count += xb.size(0)
        train_loss = total / max(count, 1)
        val_loss = evaluate_model_loader(model, val_loader, loss_fn)
        if epoch % 10 == 0 or epoch == 1 or epoch == epochs:
            print(f"Epoch {epoch:2d} | " f"Train Loss: {train_loss:.4f} | "
                  f"Val Loss: {val_loss:.4f}")

    # cell 28 (train_SimpleTanhRNN without PRF: the same training, printing losses only)
    torch.manual_seed(0)
    model = SimpleTanhRNN(hidden_size=8, bidirectional=True)
    loss_fn = make_bce_loss_from_dataset(train_ds)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    epochs, print_every = 15, 5
    for ep in range(1, epochs + 1):
        model.train()
        total, count = 0.0, 0
        for xb, yb in train_loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item() * xb.size(0)
            count += xb.size(0)
        train_loss = total / max(count, 1)
        val_loss = evaluate_model_loader(model, val_loader, loss_fn, use_sigmoid=False)
        if (ep % print_every == 0) or ep == 1 or ep == epochs:
            print(f"Epoch {ep:2d} | Train Loss: {train_loss:.4f} | "
                  f"Val Loss: {val_loss:.4f}")

    # cell 30 (figures only; its last test set is used below)
    n_samples = 4
    indices = list(range(n_samples))
    test_ds = NoveltyCurveDataset(n_samples=n_samples, seq_len=128, sigma_target=1.0, seed=2,
                                  min_gap=6, n_peaks_range=(5, 10), noise_std=0.06, rise_len_rng=(6, 10))

    # cell 33
    B_pred = [10, 19, 22, 38, 49, 60]
    B_ref = [10, 20, 30, 40, 46]
    for tol in [0, 1, 2, 3]:
        P, R, F, cond_ref, cond_pred = eval_PRF(B_ref, B_pred, tolerance=tol)
        print(f"tol={tol:2d} | P={P:.3f} | R={R:.3f} | F={F:.3f} "
              f"| cond_ref={cond_ref} | cond_pred={cond_pred}")
    return model, test_ds


def run_cells_2(model, test_ds):
    # cell 35 (figure only), cell 37
    height, tolerance = 0.4, 2
    pred_ds = compute_prediction_dataset(model, test_ds, indices=None, pred='probs')
    eval_ds = eval_peaks_dataset(pred_ds, tolerance=tolerance, height=height, distance=None,
                                 plot=True, print_summary=False)
    # cell 39
    for eval_sample in eval_ds:
        idx, P, R, F, cond_ref, cond_pred, _, _, _, _ = eval_sample
        print(f"Sample {idx:1d}: P={P:.3f} | R={R:.3f} | F={F:.3f} | "
              f"cond_ref={cond_ref} | cond_pred={cond_pred}")
    print("-" * 70)
    P_mean, R_mean, F_mean, cond_ref_all, cond_pred_all = mean_PRF(eval_ds)
    print(f"MACRO:    P={P_mean:.3f} | R={R_mean:.3f} | F={F_mean:.3f} | "
          f"cond_ref={cond_ref_all} | cond_pred={cond_pred_all}")
    # cells 42, 45, 48
    exercise_recursive_impulse()
    exercise_weighting_pos()
    exercise_training_prf()


def main():
    # Cells 15-25 draw from the default generator without seeding it (module initialisation, the shuffling
    # DataLoader's seeds), and this torch seeds it from the OS at start-up (torch.initial_seed() differs per
    # run), so cell 25's batch order and losses change from run to run; the course's stored output is one
    # such run (Epoch 1: 0.0557 / 0.0453). Seeding with PyTorch's documented default seed makes the printout
    # reproducible; Fluxion's default generator starts from that seed.
    torch.manual_seed(67280421310721)
    with open(sys.argv[1], "w") as f, contextlib.redirect_stdout(f):
        model, test_ds = run_cells()
        run_cells_2(model, test_ds)


if __name__ == "__main__":
    main()
