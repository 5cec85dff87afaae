"""Per-epoch weights and average losses of Unit 6's three Conv1d trainings (cell 28: manual batches,
cell 36: DataLoader, exercise 3: high-pass), run with PyTorch 1.13 twice: with oneDNN (the default, which
PyTorch picks for these batched float32 convolutions) and with torch.backends.mkldnn disabled (PyTorch's
native im2col + gemm path, the one a single signal takes). The draws replay gen_unit06.py's cells exactly.

Usage: /usr/bin/python3 gen_unit06_training.py OUT   (OUT: tests/data/unit06_training.json)
"""
import json
import sys

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


def generate_sine_wave(len_signal=256, num_pairs=1000):
    t = np.linspace(0, 1, len_signal)
    X, Y = [], []
    for _ in range(num_pairs):
        freq = np.random.uniform(0, 8)
        phase = np.random.uniform(0, 1)
        noise_std = np.random.uniform(0.2, 1.0)
        y = np.sin(2 * np.pi * (freq * t - phase))
        x = y + np.random.normal(0.0, noise_std, size=len_signal)
        X.append(x)
        Y.append(y)
    return np.array(X), np.array(Y)


def generate_sine_superposition(len_signal=256, num_pairs=1000):
    t = np.linspace(0, 1, len_signal)
    X, Y = [], []
    for _ in range(num_pairs):
        f_low, p_low = np.random.uniform(2, 6), np.random.uniform(0.0, 1.0)
        f_high, p_high = np.random.uniform(12, 20), np.random.uniform(0.0, 1.0)
        noise = np.random.normal(0, 0.5, size=len_signal)
        x_low = np.sin(2 * np.pi * (f_low * t + p_low))
        y_high = 0.5 * np.sin(2 * np.pi * (f_high * t + p_high))
        X.append(x_low + y_high + noise)
        Y.append(y_high)
    return np.array(X), np.array(Y)


def conv(padding):
    return nn.Conv1d(1, 1, 21, padding=padding, bias=False)


def epochs(model, batches_of_epoch, n_epochs=50):
    """SGD(lr=0.01) on MSE; returns per-epoch weights (after the epoch) and average losses."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = nn.MSELoss()
    weights, losses = [], []
    for epoch in range(n_epochs):
        total, count = 0.0, 0
        for x_batch, y_batch in batches_of_epoch():
            loss = criterion(model(x_batch), y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
            count += 1
        weights.append([float(v) for v in model.weight.detach().flatten()])
        losses.append(total / count)
    return weights, losses


class Lowpass(nn.Module):
    def __init__(self, padding):
        super().__init__()
        self.conv = conv(padding)

    @property
    def weight(self):
        return self.conv.weight

    def forward(self, x):
        return self.conv(x)


def run():
    out = {}
    np.random.seed(0)
    np.random.normal(0.0, 0.3, size=256)              # cell 22
    X, Y = generate_sine_wave()                       # cell 26
    X_tensor = torch.tensor(X, dtype=torch.float32).unsqueeze(1)
    Y_tensor = torch.tensor(Y, dtype=torch.float32).unsqueeze(1)

    # cell 28: manual batches after torch.randperm
    torch.manual_seed(0)
    model = Lowpass("same")
    state = {"X": X_tensor, "Y": Y_tensor}

    def manual():
        perm = torch.randperm(1000)
        state["X"], state["Y"] = state["X"][perm], state["Y"][perm]
        for i in range(1000 // 32):
            yield state["X"][i * 32:(i + 1) * 32], state["Y"][i * 32:(i + 1) * 32]

    out["manual"] = epochs(model, manual)
    generate_sine_wave(256, 7)                        # cell 30

    # cell 36: DataLoader over the shuffled pairs (built before the reseed, as in the course)
    loader = DataLoader(TensorDataset(state["X"], state["Y"]), batch_size=32, shuffle=True)
    torch.manual_seed(0)
    model = Lowpass("same")
    out["dataloader"] = epochs(model, lambda: iter(loader))

    # exercise 3: high-pass, padding 10
    Xh, Yh = generate_sine_superposition()
    loader = DataLoader(TensorDataset(torch.tensor(Xh, dtype=torch.float32).unsqueeze(1),
                                      torch.tensor(Yh, dtype=torch.float32).unsqueeze(1)), batch_size=32, shuffle=True)
    torch.manual_seed(0)
    model = Lowpass(10)
    out["highpass"] = epochs(model, lambda: iter(loader))
    return {k: {"weights": w, "losses": l} for k, (w, l) in out.items()}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_unit06_training.py OUT")
    result = {"onednn": run()}
    with torch.backends.mkldnn.flags(enabled=False):
        result["native"] = run()
    result["torch"] = torch.__version__
    with open(sys.argv[1], "w", encoding="utf-8", newline="\n") as f:
        json.dump(result, f, indent=0)
        f.write("\n")


if __name__ == "__main__":
    main()
