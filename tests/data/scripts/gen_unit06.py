"""Golden printout of PCPT Unit 6 (convolution): the course's code cells and exercise solutions, in order,
run with PyTorch 1.13 and NumPy; plotting calls are no-ops (matplotlib is not needed).

Usage: /usr/bin/python3 gen_unit06.py OUT   (OUT: tests/data/unit06_printed.txt)

The cells are the course's, with the plotting helpers replaced by functions that draw nothing; the
exercises are libpcpt.unit06's reference solutions with their plots removed. Everything printed goes
to OUT, exactly as Python prints it.
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


def plot_signal_denoise(*args, **kwargs):
    pass


def visualize_pairs_24(*args, **kwargs):
    pass


def plot_filter_kernel(*args, **kwargs):
    pass


def visualize_further_examples_6(*args, **kwargs):
    pass


# ---------------------------------------------------------------- libpcpt.unit06 exercises (no plots)
def exercise_convolution_smooth_edge():
    x = np.array([1, 1, 0, 1, 1, 0, 8, 9, 7, 7, 6, 5, 4])
    h_avg = np.array([1/3, 1/3, 1/3])
    h_edge = np.array([1, 0, -1])
    x_pt = torch.tensor(x, dtype=torch.float32).view(1, 1, -1)
    h_avg_pt = torch.tensor(h_avg, dtype=torch.float32).view(1, 1, -1)
    h_edge_pt = torch.tensor(h_edge, dtype=torch.float32).view(1, 1, -1)
    x_smooth = F.conv1d(x_pt, h_avg_pt.flip(-1), padding="same").squeeze()
    x_edges = F.conv1d(x_pt, h_edge_pt.flip(-1), padding="same").squeeze()
    print("* Smoothing reduces sharp transitions by averaging neighbors.")
    print("* The edge detector reacts to abrupt changes")
    print("  (e.g., when the signal rises from 0 to 8).")
    print("* Zero-padding can cause edge boundary artifacts")
    print("  (e.g., spurious negative values at the end).")


def exercise_conv1d_parameters():
    B, C, T = 3, 2, 15
    x = torch.randn(B, C, T)
    print(f"Input shape: {x.shape}\n")
    layers = [
        nn.Conv1d(in_channels=C, out_channels=3, kernel_size=5, stride=1, padding=0, bias=False),
        nn.Conv1d(in_channels=C, out_channels=3, kernel_size=5, stride=1, padding=0),
        nn.Conv1d(in_channels=C, out_channels=3, kernel_size=5, stride=3, padding=2),
        nn.Conv1d(in_channels=C, out_channels=7, kernel_size=5, stride=1, padding=2, dilation=3),
    ]
    for idx, conv in enumerate(layers, 1):
        y = conv(x)
        num_weights = conv.weight.numel()
        num_biases = conv.bias.numel() if conv.bias is not None else 0
        print(f"Layer {idx}: {conv}")
        print(f"  Output shape: {y.shape}")
        print(f"  Weights shape: {conv.weight.shape} -> total: {num_weights}")
        print(f"  Bias shape: {None if conv.bias is None else conv.bias.shape} -> total: {num_biases}")
        print(f"  Total parameters: {num_weights + num_biases}\n")
    conv_stride_kernel = nn.Conv1d(in_channels=C, out_channels=3, kernel_size=3, stride=5)
    y_stride_kernel = conv_stride_kernel(x)
    print("Case: stride > kernel_size:")
    print(f"Layer 5: {conv_stride_kernel}")
    print(f"  Output shape: {y_stride_kernel.shape}\n")
    print("Note: When stride > kernel_size, the convolution kernel spans a small window\n"
          "(e.g., 3 values) but advances by a larger step (e.g., 5).")
    print("As a result, parts of the input are skipped entirely and do not influence\n"
          "the output. This can lead to a loss of fine signal details, reducing\n"
          "temporal resolution and potentially degrading model performance.")


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
    return t, np.array(X), np.array(Y)


class ExSineWaveDataset(Dataset):
    def __init__(self, X, Y):
        super().__init__()
        assert len(X) == len(Y), "Mismatched input and target lengths"
        self.X, self.Y = X, Y

    def __len__(self):
        return len(self.X)

    def __getitem__(self, idx):
        return self.X[idx], self.Y[idx]


class LearnableHighpass(nn.Module):
    def __init__(self, kernel_size=21):
        super().__init__()
        self.conv = nn.Conv1d(1, 1, kernel_size, padding=kernel_size // 2, bias=False)

    def forward(self, x):
        return self.conv(x)


def exercise_convolution_freq_separation():
    t, X, Y = generate_sine_superposition()
    X_tensor = torch.tensor(X, dtype=torch.float32).unsqueeze(1)
    Y_tensor = torch.tensor(Y, dtype=torch.float32).unsqueeze(1)
    dataset = ExSineWaveDataset(X_tensor, Y_tensor)
    dataloader = DataLoader(dataset, batch_size=32, shuffle=True)
    torch.manual_seed(0)
    model = LearnableHighpass(kernel_size=21)
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    n_epochs = 50
    for epoch in range(n_epochs):
        total_loss = 0.0
        for x_batch, y_batch in dataloader:
            optimizer.zero_grad()
            loss = criterion(model(x_batch), y_batch)
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
        if epoch == 0 or (epoch + 1) % 10 == 0:
            print(f"Epoch {epoch + 1:>2}/50 | Avg. Loss: {total_loss / len(dataloader):.6f}")
    kernel_weights = model.conv.weight.data.numpy().flatten()
    t, X_test, Y_test = generate_sine_superposition(len_signal=256, num_pairs=7)
    X_test_tensor = torch.tensor(X_test, dtype=torch.float32).unsqueeze(1)
    Y_pred = model(X_test_tensor).detach().squeeze().numpy()


def run_cells():
    # [code cell 5]
    torch.manual_seed(0)
    np.random.seed(0)
    x = np.array([1, 2, 3, 4])
    h = np.array([1, 2, 3])
    y = np.convolve(x, h)
    print(f"{'Input signal x:':<20} length: {len(x):<2}  | values: {x}")
    print(f"{'Kernel h:':<20} length: {len(h):<2}  | values: {h}")
    print(f"{'Output y = x * h:':<20} length: {len(y):<2}  | values: {y}")

    # [code cell 7]
    x_np = np.array([1.0, 2.0, 3.0, 4.0])
    h_np = np.array([1.0, 2.0, 3.0])
    y_full = np.convolve(x, h, mode='full')
    y_valid = np.convolve(x, h, mode='valid')
    y_same = np.convolve(x, h, mode='same')
    print(f"{'Input signal x:':<20} length: {len(x):<2}  | values: {x}")
    print(f"{'Kernel h:':<20} length: {len(h):<2}  | values: {h}\n")
    print(f"{'y with full mode:':<20} length: {len(y_full):<2}  | values: {y_full}")
    print(f"{'y with valid mode:':<20} length: {len(y_valid):<2}  | values: {y_valid}")
    print(f"{'y with same mode:':<20} length: {len(y_same):<2}  | values: {y_same}")

    # [code cell 10]
    x_np = np.array([1.0, 2.0, 3.0, 4.0])
    h_np = np.array([1.0, 2.0, 3.0])
    y_np_conv = np.convolve(x_np, h_np, mode='valid')
    y_np_xcorr = np.convolve(x_np, np.flip(h_np), mode='valid')
    x_pt = torch.tensor(x_np, dtype=torch.float32).view(1, 1, -1)
    h_pt = torch.tensor(h_np, dtype=torch.float32).view(1, 1, -1)
    y_pt = F.conv1d(x_pt, h_pt, bias=None)
    print(f"{'Input signal x:':<28} {x_np}")
    print(f"{'Kernel h:':<28} {h_np}\n")
    print("Output in 'valid' mode with various NumPy and PyTorch implementations:")
    print(f"{'NumPy convolution (valid):':<28} {y_np_conv}")
    print(f"{'NumPy cross-correlation:':<28} {y_np_xcorr}")
    print(f"{'PyTorch conv1d (cross-corr):':<28} {y_pt.detach().numpy().flatten()}")

    # [code cell 13]
    x_np = np.array([1.0, 2.0, 3.0, 4.0])
    h_np = np.array([1.0, 2.0, 3.0])
    x_pt = torch.tensor(x_np, dtype=torch.float32).view(1, 1, -1)
    h_pt = torch.tensor(h_np, dtype=torch.float32).view(1, 1, -1)
    conv = nn.Conv1d(in_channels=1, out_channels=1, kernel_size=h_pt.shape[-1], bias=True)
    conv.weight.data = h_pt
    y_pt_bias = conv(x_pt)
    print(f"{'Input signal x:':<21} {x_np}")
    print(f"{'Kernel h:':<21} {h_np}")
    print(f"{'Output (with bias):':<21} {y_pt_bias.detach().numpy().flatten()}")
    conv.bias.data = torch.zeros_like(conv.bias.data)
    y_pt_no_bias = conv(x_pt)
    print(f"{'Output (bias = 0):':<21} {y_pt_no_bias.detach().numpy().flatten()}")

    # [code cell 15]
    print(f"{'Input tensor x':<15} | shape = {tuple(x_pt.shape)} | "
          f"values = {x_pt.numpy().flatten()}")
    print(f"{'Kernel tensor h':<15} | shape = {tuple(h_pt.shape)} | "
          f"values = {h_pt.numpy().flatten()}\n")
    for pad in ["valid", "same", 0, 1, 2, 3]:
        conv = nn.Conv1d(1, 1, kernel_size=h_pt.shape[-1], padding=pad, bias=False)
        conv.weight.data = h_pt
        y = conv(x_pt)
        print(f"Padding = {pad:<5} | shape = {tuple(y.shape)} | "
              f"values = {y.detach().numpy().flatten()}")

    # [code cell 17]
    print(f"{'Input tensor x':<16} | shape = {tuple(x_pt.shape)} | "
          f"values = {x_pt.numpy().flatten()}")
    print(f"{'Kernel tensor h':<16} | shape = {tuple(h_pt.shape)} | "
          f"values = {h_pt.numpy().flatten()}\n")
    pad = 2
    print(f"{'Padding ='} {pad}")
    for stride in [1, 2, 3]:
        conv = nn.Conv1d(in_channels=1, out_channels=1, kernel_size=h_pt.shape[-1],
                         padding=pad, stride=stride, bias=False)
        conv.weight.data = h_pt
        y = conv(x_pt)
        print(f"{'Stride = ' + str(stride):<16} | shape = {tuple(y.shape)} | "
              f"values = {y.detach().numpy().flatten()}")

    # [code cell 19]
    x_np = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])
    h_np = np.array([1.0, 2.0, 3.0])
    x_pt = torch.tensor(x_np, dtype=torch.float32).view(1, 1, -1)
    h_pt = torch.tensor(h_np, dtype=torch.float32).view(1, 1, -1)
    kernel_size = h_np.size
    print(f"{'Input tensor x':<16} | shape = {tuple(x_pt.shape)} | "
          f"values = {x_pt.numpy().flatten()}")
    print(f"{'Kernel tensor h':<16} | shape = {tuple(h_pt.shape)} | "
          f"values = {h_pt.numpy().flatten()}\n")
    pad = 0
    print(f"{'Padding ='} {pad}")
    stride = 1
    print(f"{'Stride ='} {stride}")
    for dilation in [1, 2, 3]:
        conv = nn.Conv1d(in_channels=1, out_channels=1, kernel_size=h_pt.shape[-1],
                         padding=pad, stride=stride, dilation=dilation, bias=False)
        conv.weight.data = h_pt
        y = conv(x_pt)
        print(f"{'Dilation = ' + str(dilation):<16} | shape = {tuple(y.shape)} | "
              f"values = {y.detach().numpy().flatten()}")

    # [code cell 22]
    seq_len = 256
    t = np.linspace(0, 1, seq_len)
    x_clean = np.sin(2 * np.pi * t)
    np.random.seed(0)
    noise_std = 0.3
    x_noisy = x_clean + np.random.normal(0.0, noise_std, size=seq_len)
    kernel_size = 21
    kernel = np.ones(kernel_size) / kernel_size
    x_filtered = np.convolve(x_noisy, kernel, mode='same')
    plot_signal_denoise(t, x_noisy, x_clean, x_filtered)

    # [code cell 24]
    class LowPassFilter(nn.Module):
        def __init__(self, kernel_size=21):
            super().__init__()
            self.conv = nn.Conv1d(in_channels=1, out_channels=1, kernel_size=kernel_size,
                                  padding="same", bias=False)
            self.conv.weight.data = torch.ones(1, 1, kernel_size) / kernel_size

        def forward(self, x):
            return self.conv(x)

    filter = LowPassFilter(kernel_size=21)
    x_noisy_tensor = torch.tensor(x_noisy, dtype=torch.float32).view(1, 1, -1)
    x_filtered_tensor = filter(x_noisy_tensor)
    x_filtered = x_filtered_tensor.detach().numpy().flatten()
    plot_signal_denoise(t, x_noisy, x_clean, x_filtered)

    # [code cell 26]
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
        return t, np.array(X), np.array(Y)

    t, X, Y = generate_sine_wave()
    visualize_pairs_24(t, X, Y)

    # [code cell 28]
    class LearnableLowpass(nn.Module):
        def __init__(self, kernel_size=21):
            super().__init__()
            self.conv = nn.Conv1d(in_channels=1, out_channels=1, kernel_size=kernel_size,
                                  padding="same", bias=False)

        def forward(self, x):
            return self.conv(x)

    torch.manual_seed(0)
    model = LearnableLowpass(kernel_size=21)
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    X_tensor = torch.tensor(X, dtype=torch.float32).unsqueeze(1)
    Y_tensor = torch.tensor(Y, dtype=torch.float32).unsqueeze(1)
    n_epochs = 50
    batch_size = 32
    num_samples = len(X_tensor)
    num_batches = num_samples // batch_size
    for epoch in range(n_epochs):
        permutation = torch.randperm(num_samples)
        X_tensor = X_tensor[permutation]
        Y_tensor = Y_tensor[permutation]
        epoch_loss = 0.0
        for i in range(num_batches):
            start_idx = i * batch_size
            end_idx = start_idx + batch_size
            x_batch = X_tensor[start_idx:end_idx]
            y_batch = Y_tensor[start_idx:end_idx]
            y_pred = model(x_batch)
            loss = criterion(y_pred, y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item()
        if (epoch + 1) % 10 == 0 or epoch == 0:
            avg_loss = epoch_loss / num_batches
            print(f"Epoch {epoch+1:>2}/{n_epochs} | Avg. Loss: {avg_loss:.6f}")

    # [code cell 30]
    kernel_weights = model.conv.weight.data.numpy().flatten()
    plot_filter_kernel(kernel_weights)
    t, X_test, Y_test = generate_sine_wave(len_signal=256, num_pairs=7)
    X_test_tensor = torch.tensor(X_test, dtype=torch.float32).unsqueeze(1)
    Y_test_tensor = torch.tensor(Y_test, dtype=torch.float32).unsqueeze(1)
    Y_pred = model(X_test_tensor).detach().squeeze().numpy()
    n = 6
    plot_signal_denoise(t, X_test[n].squeeze(), Y_test[n].squeeze(), Y_pred[n].squeeze())
    visualize_further_examples_6(t, X_test, Y_test, Y_pred)

    # [code cell 33]
    class SineWaveDataset(Dataset):
        def __init__(self, X, Y):
            assert X.shape == Y.shape, "Inputs and targets must have the same shape"
            self.X = X
            self.Y = Y

        def __len__(self):
            return self.X.shape[0]

        def __getitem__(self, idx):
            x = self.X[idx]
            y = self.Y[idx]
            return x, y

    dataset = SineWaveDataset(X_tensor, Y_tensor)
    print(f"Total number of samples: {len(dataset)}")
    x_sample, y_sample = dataset[0]
    print(f"x_sample shape: {x_sample.shape}")
    print(f"y_sample shape: {y_sample.shape}")
    with np.printoptions(precision=3, suppress=True):
        print("First 5 values (input): ", x_sample[0, :5].numpy())
        print("First 5 values (target):", y_sample[0, :5].numpy())
        for i in range(3):
            x, y = dataset[i]
            print(f"Sample {i}: x[0,:2]={x[0,:2].numpy()}, y[0,:2]={y[0,:2].numpy()}")

    # [code cell 36]
    dataloader = DataLoader(dataset, batch_size=32, shuffle=True)
    torch.manual_seed(0)
    model = LearnableLowpass(kernel_size=21)
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    n_epochs = 50
    for epoch in range(n_epochs):
        epoch_loss = 0.0
        for x_batch, y_batch in dataloader:
            y_pred = model(x_batch)
            loss = criterion(y_pred, y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item()
        if (epoch + 1) % 10 == 0 or epoch == 0:
            avg_loss = epoch_loss / len(dataloader)
            print(f"Epoch {epoch + 1:>2}/{n_epochs} | Avg. Loss: {avg_loss:.6f}")

    # [code cell 40]
    exercise_convolution_smooth_edge()
    # [code cell 43]
    exercise_conv1d_parameters()
    # [code cell 47]
    exercise_convolution_freq_separation()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_unit06.py OUT")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        run_cells()
    with open(sys.argv[1], "w", encoding="utf-8", newline="\n") as f:
        f.write(buf.getvalue())


if __name__ == "__main__":
    main()
