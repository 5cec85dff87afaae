"""Golden printout of PCPT Unit 7 (classification): the course's code cells and exercise solutions, in order,
run with PyTorch 1.13, NumPy and scikit-learn; plotting calls are no-ops (matplotlib is not needed).

Usage: /usr/bin/python3 gen_unit07.py OUT   (OUT: tests/data/unit07_printed.txt)

torchinfo is needed for the model summaries. Debian does not package it; as for tests/data/torchinfo.json,
the unmodified torchinfo v1.8.0 source (git tag v1.8.0) on PYTHONPATH is what produced the golden file
(Python >= 3.11 prints the unit as 'Units.MEGABYTES', as the course's stored output does).

The cells are the course's, with the plotting helpers replaced by functions that draw nothing; the
exercises are libpcpt.unit07's reference solutions with their plots removed. Everything printed goes
to OUT, exactly as Python prints it.

PyTorch 1.13 prints the course's stored output everywhere except exercise 4 (cell 44) from epoch 30 on
(the course: "Epoch  30/100 | Loss:  6.1351 | Accuracy: 80.56%", 1.13: "6.3087 | 79.67%"): its MLP training is
chaotic, and the notebook ran on another PyTorch build. The golden file keeps 1.13's lines.
"""
import contextlib
import io
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import Dataset, DataLoader
from sklearn.datasets import make_blobs

try:
    import torchinfo
except ImportError:
    sys.exit("torchinfo is missing: put the torchinfo v1.8.0 source on PYTHONPATH (see the docstring)")


def summary(*args, **kwargs):
    # In a notebook torchinfo does not print the table itself (verbose 0); only print()/the cell result shows it.
    return torchinfo.summary(*args, verbose=0, **kwargs)


def visualize_pairs_24(*args, **kwargs):
    pass


def compute_and_plot_confusion_matrix(*args, **kwargs):
    pass


def plot_signed_distance_vs_frequency(*args, **kwargs):
    pass


def visualize_out_of_range_predictions(*args, **kwargs):
    pass


def plot_pointcloud(*args, **kwargs):
    pass


def plot_decision_boundary(*args, **kwargs):
    pass


# ---------------------------------------------------------------- libpcpt.unit07 (no plots)
def exercise_binary_cross_entropy():
    def binary_cross_entropy(p, y):
        eps = 1e-10
        p = np.clip(p, eps, 1 - eps)
        return - (y * np.log(p) + (1 - y) * np.log(1 - p))

    p_vals = np.linspace(0.001, 0.999, 400)
    binary_cross_entropy(p_vals, y=1)
    binary_cross_entropy(p_vals, y=0)


def exercise_softmax_multiclass():
    examples = [
        {'logits': [0.0, 0.0, 0.0, 0.0], 'target': 0},
        {'logits': [1.0, 0.0, 0.0, 0.0], 'target': 0},
        {'logits': [1.0, 0.0, 0.0, 0.0], 'target': 1},
        {'logits': [2.0, 0.0, 0.0, 0.0], 'target': 0},
        {'logits': [2.0, 0.0, 0.0, 0.0], 'target': 1},
        {'logits': [1.0, 2.0, 3.0, 4.0], 'target': 3},
        {'logits': [6.0, 1.0, 2.0, 1.0], 'target': 0},
        {'logits': [6.0, 1.0, 2.0, 1.0], 'target': 1},
        {'logits': [6.0, 0.1, 2.0, 1.0], 'target': 1},
        {'logits': [6.0, -1.1, 2.0, 1.0], 'target': 1}
    ]
    print(f"{'Example':<8} {'Logit vector z':<22} {'Probability vector p = softmax(z)':<35} {'Target':<6} {'Loss':<8}")
    print("-" * 81)
    losses = []
    for i, ex in enumerate(examples):
        logits = torch.tensor(ex['logits'])
        target = ex['target']
        probs = F.softmax(logits, dim=0)
        log_probs = torch.log(probs)
        loss = -log_probs[target]
        losses.append(loss.item())
        logits_str = "[" + ", ".join(f"{z:.1f}" for z in logits) + "]"
        probs_str = "[" + ", ".join(f"{p:.4f}" for p in probs) + "]"
        print(f"{i+1:<8} {logits_str:<22} {probs_str:<35} {target:<6} {loss.item():<8.4f}")
    mean_manual = sum(losses) / len(losses)
    print(f"\nTotal Cross-Entropy Loss (mean, manual): {round(mean_manual, 4)}")
    logits_tensor = torch.tensor([ex['logits'] for ex in examples])
    targets_tensor = torch.tensor([ex['target'] for ex in examples])
    mean_builtin = F.cross_entropy(logits_tensor, targets_tensor).item()
    print(f"Total Cross-Entropy Loss (mean, F.cross_entropy): {round(mean_builtin, 4)}")


def lib_generate_waveform(length_signal=256, num_samples=1000):
    t = np.linspace(0, 1, length_signal)
    X, Y = [], []
    for _ in range(num_samples):
        freq = np.random.uniform(1, 13)
        phase = np.random.uniform(0, 1)
        noise_std = np.random.uniform(0, 1)
        prototype = np.random.randint(0, 2)
        signal = np.sin(2 * np.pi * (freq * t - phase))
        if prototype == 1:
            signal = np.sign(signal)
        noisy = signal + np.random.normal(0.0, noise_std, size=length_signal)
        X.append(noisy)
        Y.append([prototype, freq, phase, noise_std])
    return t, np.array(X), np.array(Y)


def exercise_classification_FFT():
    np.random.seed(0)
    torch.manual_seed(0)
    t, X, Y = lib_generate_waveform()
    X_fft = np.abs(np.fft.rfft(X))[:, :40]
    X_fft /= np.maximum(X_fft.max(axis=1, keepdims=True), 1e-8)
    bins = [0, 2, 4, 6, 8, 10, np.inf]
    class_names = ["[0,2)", "[2,4)", "[4,6)", "[6,8)", "[8,10)", "[10,\u221e)"]
    Y_freq = Y[:, 1]
    Y_class = np.digitize(Y_freq, bins) - 1
    X_fft_tensor = torch.tensor(X_fft, dtype=torch.float32).unsqueeze(1)
    Y_class_tensor = torch.tensor(Y_class, dtype=torch.long)

    class FFTDataset(Dataset):
        def __init__(self, X, Y):
            super().__init__()
            self.X = X
            self.Y = Y

        def __len__(self):
            return len(self.X)

        def __getitem__(self, idx):
            return self.X[idx], self.Y[idx]

    dataset = FFTDataset(X_fft_tensor, Y_class_tensor)
    dataloader = DataLoader(dataset, batch_size=32, shuffle=True)

    class FFTClassifier(nn.Module):
        def __init__(self, input_size=40, num_classes=6):
            super().__init__()
            self.model = nn.Sequential(nn.Flatten(), nn.Linear(input_size, num_classes))

        def forward(self, x):
            return self.model(x)

    model = FFTClassifier()
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=0.05)
    print("\nModel summary using torchinfo.summary:\n")
    print(summary(model, input_size=(32, 1, 40), col_width=20))
    print("\nTraining model...\n")
    n_epochs = 10
    for epoch in range(n_epochs):
        model.train()
        total_loss = 0
        correct = 0
        for x_batch, y_batch in dataloader:
            logits = model(x_batch)
            loss = criterion(logits, y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
            preds = torch.argmax(logits, dim=1)
            correct += (preds == y_batch).sum().item()
        acc = 100 * correct / len(dataloader.dataset)
        print(f"Epoch {epoch+1:2d}/{n_epochs} | Loss: {total_loss:7.4f} | Accuracy: {acc:.2f}%")
    np.random.seed(10)
    t_test, X_test, Y_test = lib_generate_waveform()
    X_test_fft = np.abs(np.fft.rfft(X_test))[:, :40]
    X_test_fft /= np.maximum(X_test_fft.max(axis=1, keepdims=True), 1e-8)
    Y_test_freq = Y_test[:, 1]
    Y_test_class = np.digitize(Y_test_freq, bins) - 1
    X_test_tensor = torch.tensor(X_test_fft, dtype=torch.float32).unsqueeze(1)
    Y_test_tensor = torch.tensor(Y_test_class, dtype=torch.long)
    model.eval()
    with torch.no_grad():
        logits = model(X_test_tensor)
        preds = torch.argmax(logits, dim=1)
        test_accuracy = (preds == Y_test_tensor).float().mean().item()
    print(f"\nTest Accuracy: {test_accuracy:.2%}")
    compute_and_plot_confusion_matrix(Y_test_tensor.numpy(), preds.numpy(), class_names, title="Confusion Matrix")


class PointDataset(Dataset):
    def __init__(self, X, Y):
        super().__init__()
        self.X = torch.tensor(X, dtype=torch.float32)
        self.Y = torch.tensor(Y, dtype=torch.long)

    def __len__(self):
        return len(self.X)

    def __getitem__(self, idx):
        return self.X[idx], self.Y[idx]


def generate_pointcloud(n_points_per_class=300, noise=0.15, seed=0):
    np.random.seed(seed)
    theta = np.linspace(0, 3.2 * np.pi, n_points_per_class)
    r = 0.4 * theta
    x0 = r * np.cos(theta)
    y0 = r * np.sin(theta)
    x0 += np.random.randn(n_points_per_class) * noise
    y0 += np.random.randn(n_points_per_class) * noise
    X0 = np.stack([x0, y0], axis=1)
    Y0 = np.zeros(n_points_per_class, dtype=int)
    theta_b = theta + np.pi
    r_b = r
    x1 = r_b * np.cos(theta_b)
    y1 = r_b * np.sin(theta_b)
    x1 += np.random.randn(n_points_per_class) * noise - 0.5
    y1 += np.random.randn(n_points_per_class) * noise
    X1 = np.stack([x1, y1], axis=1)
    Y1 = np.ones(n_points_per_class, dtype=int)
    X2, _ = make_blobs(n_samples=n_points_per_class, centers=[[-3, -3]], cluster_std=0.7)
    Y2 = np.full(n_points_per_class, 2, dtype=int)
    X_np = np.vstack([X0, X1, X2]).astype(np.float32)
    Y_np = np.concatenate([Y0, Y1, Y2])
    return PointDataset(X_np, Y_np)


def exercise_pointcloud_classification():
    dataset = generate_pointcloud(n_points_per_class=300, noise=0.15, seed=0)
    batch_size = 64
    dataloader = DataLoader(dataset, batch_size=batch_size, shuffle=True)
    plot_pointcloud(dataset)

    class SimpleMLP(nn.Module):
        def __init__(self, input_dim=2, hidden_dim=32, num_classes=3):
            super().__init__()
            self.net = nn.Sequential(
                nn.Linear(input_dim, hidden_dim), nn.ReLU(),
                nn.Linear(hidden_dim, hidden_dim), nn.ReLU(),
                nn.Linear(hidden_dim, hidden_dim // 2), nn.ReLU(),
                nn.Linear(hidden_dim // 2, num_classes))

        def forward(self, x):
            return self.net(x)

    torch.manual_seed(0)
    model = SimpleMLP(input_dim=2, hidden_dim=32, num_classes=3)
    print("\nModel summary using torchinfo.summary:\n")
    print(summary(model, input_size=(batch_size, 2), col_width=20))
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    n_epochs = 100
    for epoch in range(n_epochs):
        total_loss, correct, total = 0, 0, 0
        for x_batch, y_batch in dataloader:
            logits = model(x_batch)
            loss = criterion(logits, y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
            preds = torch.argmax(logits, dim=1)
            correct += (preds == y_batch).sum().item()
            total += y_batch.size(0)
        if (epoch+1) % 10 == 0 or epoch == 0:
            acc = 100 * correct / total
            print(f"Epoch {epoch+1:3d}/{n_epochs} | Loss: {total_loss:7.4f} | Accuracy: {acc:.2f}%")
    X = dataset.X.numpy()
    Y = dataset.Y.numpy()
    model.eval()
    with torch.no_grad():
        X_tensor = torch.tensor(X, dtype=torch.float32)
        logits = model(X_tensor)
        preds = torch.argmax(logits, dim=1).numpy()
        accuracy = 100 * (preds == Y).sum() / len(Y)
    print(f"\nFinal accuracy (entire training set; not averaged over batches): {accuracy:.2f}%")
    plot_decision_boundary(model, dataset)
    return model


def run_cells():
    # ------------------------------------------------------------ cell 6
    def generate_waveform(length_signal=256, num_samples=1000):
        t = np.linspace(0, 1, length_signal)
        X, Y = [], []
        for _ in range(num_samples):
            freq = np.random.uniform(1, 13)
            phase = np.random.uniform(0, 1)
            noise_std = np.random.uniform(0, 1)
            prototype = np.random.randint(0, 2)
            signal = np.sin(2 * np.pi * (freq * t - phase))
            if prototype == 1:
                signal = np.sign(signal)
            noisy = signal + np.random.normal(0.0, noise_std, size=length_signal)
            X.append(noisy)
            Y.append([prototype, freq, phase, noise_std])
        return t, np.array(X), np.array(Y)

    class WaveformDataset(Dataset):
        def __init__(self, X, Y):
            super().__init__()
            self.X = X
            self.Y = Y

        def __len__(self):
            return len(self.X)

        def __getitem__(self, idx):
            return self.X[idx], self.Y[idx]

    np.random.seed(0)
    t, X, Y = generate_waveform()
    visualize_pairs_24(t, X, Y)
    X_tensor = torch.tensor(X, dtype=torch.float32).unsqueeze(1)
    Y_tensor = torch.tensor(Y[:, 0], dtype=torch.float32)
    dataset = WaveformDataset(X_tensor, Y_tensor)
    dataloader = DataLoader(dataset, batch_size=32, shuffle=True)

    # ------------------------------------------------------------ cell 8
    class SmallCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv1d(1, 4, kernel_size=21, stride=5)
            self.relu = nn.ReLU()
            self.pool = nn.AdaptiveAvgPool1d(1)
            self.flatten = nn.Flatten()
            self.fc = nn.Linear(4, 1)

        def forward(self, x):
            x = self.conv(x)
            x = self.relu(x)
            x = self.pool(x)
            x = self.flatten(x)
            x = self.fc(x)
            return x

    torch.manual_seed(0)
    model = SmallCNN()
    criterion = nn.BCEWithLogitsLoss()
    optimizer = optim.Adam(model.parameters(), lr=0.05)
    print(summary(model, input_size=(32, 1, 256), col_width=20))
    n_epochs = 10
    for epoch in range(n_epochs):
        total_loss = 0
        correct = 0
        total = 0
        for x_batch, y_batch in dataloader:
            logits = model(x_batch).view(-1)
            loss = criterion(logits, y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
            probs = torch.sigmoid(logits)
            preds = (probs > 0.5).float()
            correct += (preds == y_batch).sum().item()
            total += y_batch.size(0)
        acc = 100 * correct / total
        print(f"Epoch {epoch+1:2d}/{n_epochs} | "
              f"Loss: {total_loss:7.4f} | Accuracy: {acc:.2f}%")

    # ------------------------------------------------------------ cell 10
    np.random.seed(10)
    t, X_test, Y_test = generate_waveform()
    X_test_tensor = torch.tensor(X_test, dtype=torch.float32).unsqueeze(1)
    Y_test_tensor = torch.tensor(Y_test[:, 0], dtype=torch.float32)
    model.eval()
    with torch.no_grad():
        logits = model(X_test_tensor).view(-1)
        probs = torch.sigmoid(logits)
        preds = (probs > 0.5).float()
        correct = (preds == Y_test_tensor).sum().item()
        accuracy = correct / len(Y_test_tensor)
    print(f"Test Accuracy: {accuracy:.2%}")

    # ------------------------------------------------------------ cell 12
    class SmallCNN_Sequential(nn.Module):
        def __init__(self):
            super().__init__()
            self.model = nn.Sequential(
                nn.Conv1d(in_channels=1, out_channels=4, kernel_size=21, stride=5),
                nn.ReLU(),
                nn.AdaptiveAvgPool1d(1),
                nn.Flatten(),
                nn.Linear(4, 1))

        def forward(self, x):
            return self.model(x)

    torch.manual_seed(0)
    model = SmallCNN_Sequential()
    print("Layer-wise structure as stored in model.model:")
    for i, layer in enumerate(model.model):
        print(f"model.model[{i}]: {layer}")
    # The cell's last expression: the notebook shows repr(ModelStatistics), which is str().
    print(repr(summary(model, input_size=(32, 1, 256), col_width=20)))

    # ------------------------------------------------------------ cell 18
    bins = [0, 2, 4, 6, 8, 10, np.inf]
    class_names = ["[0, 2)", "[2, 4)", "[4, 6)", "[6, 8)", "[8, 10)", "[10, \u221e)"]
    Y_freq = Y[:, 1]
    Y_class = np.digitize(Y_freq, bins) - 1
    X_tensor = torch.tensor(X, dtype=torch.float32).unsqueeze(1)
    Y_tensor = torch.tensor(Y_class, dtype=torch.long)
    dataset = WaveformDataset(X_tensor, Y_tensor)
    dataloader = DataLoader(dataset, batch_size=32, shuffle=True)
    print("Examples of frequency-to-class mapping:")
    for i in range(5):
        freq = Y_freq[i]
        cls = Y_class[i]
        label = class_names[cls]
        print(f"Signal {i:1d}: Frequency = {freq:.2f} Hz -> Class {cls} ({label} Hz)")

    # ------------------------------------------------------------ cell 20 (histogram; nothing printed)
    np.bincount(Y_class, minlength=len(class_names))

    # ------------------------------------------------------------ cell 22
    class FrequencyClassifier(nn.Module):
        def __init__(self, num_classes=6):
            super().__init__()
            self.model = nn.Sequential(
                nn.Conv1d(1, 8, kernel_size=21, stride=5),
                nn.ReLU(),
                nn.Conv1d(8, 16, kernel_size=5, stride=2),
                nn.ReLU(),
                nn.AdaptiveAvgPool1d(1),
                nn.Flatten(),
                nn.Linear(16, num_classes))

        def forward(self, x):
            return self.model(x)

    torch.manual_seed(0)
    model = FrequencyClassifier(num_classes=6)
    print(repr(summary(model, input_size=(32, 1, 256), col_width=20)))

    # ------------------------------------------------------------ cell 23
    torch.manual_seed(0)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    model.train()
    n_epochs = 10
    for epoch in range(n_epochs):
        total_loss = 0
        correct = 0
        total = 0
        for x_batch, y_batch in dataloader:
            logits = model(x_batch)
            loss = criterion(logits, y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
            preds = torch.argmax(logits, dim=1)
            correct += (preds == y_batch).sum().item()
            total += y_batch.size(0)
        acc = 100 * correct / total
        print(f"Epoch {epoch+1:2d}/{n_epochs} | Loss: {total_loss:7.4f} | "
              f"Accuracy: {acc:.2f}%")

    # ------------------------------------------------------------ cell 26
    np.random.seed(10)
    t_test, X_test, Y_test = generate_waveform()
    Y_test_freq = Y_test[:, 1]
    Y_test_class = np.digitize(Y_test_freq, bins) - 1
    X_test_tensor = torch.tensor(X_test, dtype=torch.float32).unsqueeze(1)
    Y_test_tensor = torch.tensor(Y_test_class, dtype=torch.long)
    model.eval()
    with torch.no_grad():
        logits = model(X_test_tensor)
        preds = torch.argmax(logits, dim=1)
        accuracy = (preds == Y_test_tensor).float().mean().item()
    print(f"Test Accuracy: {accuracy:.2%}")
    compute_and_plot_confusion_matrix(Y_test_tensor.numpy(), preds.numpy(), class_names)

    # ------------------------------------------------------------ cell 28
    plot_signed_distance_vs_frequency(model, X_tensor, Y_tensor, Y, bins)

    # ------------------------------------------------------------ cell 30 (figure only)
    np.random.seed(40)

    def generate_single_waveform(freq, phase=0.0, noise_std=0.0, prototype=0, t=None):
        signal = np.sin(2 * np.pi * (freq * t - phase))
        if prototype == 1:
            signal = np.sign(signal)
        noisy = signal + np.random.normal(0.0, noise_std, size=len(t))
        return noisy, [prototype, freq, phase, noise_std]

    test_freqs = [0.0, 0.3, 0.6, 0.9, 16, 20, 25, 30]
    t = np.linspace(0, 1, 256)
    X_out = np.array([generate_single_waveform(f, phase=0.1, noise_std=0.1, prototype=0, t=t)[0]
                      for f in test_freqs])
    X_out_tensor = torch.tensor(X_out, dtype=torch.float32).unsqueeze(1)
    with torch.no_grad():
        probs = torch.softmax(model(X_out_tensor), dim=1)
        torch.argmax(probs, dim=1)

    # ------------------------------------------------------------ exercises
    exercise_binary_cross_entropy()        # cell 34: a figure only
    exercise_softmax_multiclass()          # cell 38
    exercise_classification_FFT()          # cell 41
    model = exercise_pointcloud_classification()  # cell 44
    dataset = generate_pointcloud(n_points_per_class=300, noise=0.30, seed=3)  # cell 45: a figure only
    plot_decision_boundary(model, dataset)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        run_cells()
    with open(sys.argv[1], "w", encoding="utf-8", newline="\n") as f:
        f.write(buf.getvalue())


if __name__ == "__main__":
    main()
