"""The course unit's computations in PyTorch: the twin of examples/Unit05.CSharp for benchmark W9.

Same cells, seeds and iteration counts; prints the same loss lines. torchinfo is not part of Debian's
PyTorch, so each summary is replaced by its one random draw (torch.rand(*input_size)), which keeps the
generator in step; plots are not drawn (the C# program is run with --no-report).
Run: /usr/bin/python3 benchmarks/unit05_pytorch.py
"""
import math
import torch
from torch import nn, optim


def generate_training_pairs():
    torch.manual_seed(0)
    x = torch.rand(100) * 2
    y = x + 2 * (x - 0.9) ** 2 + 0.3 * torch.cos(20 * x) + 0.1 * torch.randn(100)
    return x, y


def training_loop(num_iterations, optimizer, model, loss_fn, x_train, y_train):
    for k in range(1, num_iterations + 1):
        y_pred = model(x_train)
        loss = loss_fn(y_pred, y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if k % 1000 == 0:
            print(f"Iteration {k:4d} | Loss = {loss.item():.6f}", flush=True)


class NeuralNetLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear_model = nn.Linear(2, 1)

    def forward(self, x):
        return self.linear_model(x)


class NeuralNetTwoLayer(nn.Module):
    def __init__(self, activation=None):
        super().__init__()
        self.linear1 = nn.Linear(1, 3)
        self.activation = activation if activation is not None else nn.ReLU()
        self.linear2 = nn.Linear(3, 1)

    def forward(self, x):
        return self.linear2(self.activation(self.linear1(x)))


class NeuralNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear_model = nn.Linear(1, 1)

    def forward(self, x):
        return self.linear_model(self.linear_model(x))


class NeuralNetFourLayer(nn.Module):
    def __init__(self, act, h):
        super().__init__()
        self.linear1, self.linear2 = nn.Linear(1, h), nn.Linear(h, h)
        self.linear3, self.linear4 = nn.Linear(h, h), nn.Linear(h, 1)
        self.act = act

    def forward(self, x):
        x = self.act(self.linear1(x))
        x = self.act(self.linear2(x))
        x = self.act(self.linear3(x))
        return self.linear4(x)


def summary_draw(input_size):
    torch.rand(*input_size)  # what torchinfo's summary draws


def main():
    x, y = generate_training_pairs()
    print(f"Number of training pairs: {x.shape[0]}")
    y = y.unsqueeze(1)
    x = torch.stack([x, x.pow(2)], dim=1)
    torch.manual_seed(0)
    model = nn.Linear(2, 1)
    loss_fn = nn.MSELoss()
    for k in range(1, 4001):
        loss = loss_fn(model(x), y)
        if k % 1000 == 0:
            print(f"Iteration {k:4d} | Loss: {loss.item():.4f}")
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= 1e-2 * param.grad
    print(model)
    model = NeuralNetLinear()
    print(model)

    x, y = generate_training_pairs()
    y = y.unsqueeze(1)
    x = torch.stack([x, x.pow(2)], dim=1)
    torch.manual_seed(0)
    model = NeuralNetLinear()
    training_loop(4000, optim.SGD(model.parameters(), lr=1e-2), model, nn.MSELoss(), x, y)

    torch.manual_seed(0)
    model = NeuralNetTwoLayer()
    print(model)
    summary_draw((1,))
    print(model(torch.tensor([[0], [1], [2], [3]], dtype=torch.float)))
    x, y = generate_training_pairs()
    x, y = x.unsqueeze(1), y.unsqueeze(1)
    torch.manual_seed(0)
    model = NeuralNetTwoLayer()
    training_loop(4000, optim.SGD(model.parameters(), lr=1e-2), model, nn.MSELoss(), x, y)
    model = NeuralNet()
    print(model)
    summary_draw((1,))

    for name, act, lr in [("ReLU", nn.ReLU(), 0.01), ("Sigmoid", nn.Sigmoid(), 0.1), ("Identity", nn.Identity(), 0.01)]:
        print(f"Activation function: {name}; Learning rate: {lr}")
        x, y = generate_training_pairs()
        x, y = x.unsqueeze(1), y.unsqueeze(1)
        torch.manual_seed(0)
        model = NeuralNetTwoLayer(act)
        training_loop(4000, optim.SGD(model.parameters(), lr=lr), model, nn.MSELoss(), x, y)

    torch.manual_seed(0)
    x = torch.linspace(0.0, 2.2, steps=16).unsqueeze(1)
    y = torch.cos(2 * torch.pi * x) + 0.1 * torch.randn_like(x)
    model = NeuralNetFourLayer(nn.ReLU(), 10)
    summary_draw((1,))
    print("Training model: Four-Layer Network | Activation: ReLU | Hidden dim: 10 | Lr: 0.05")
    training_loop(8000, optim.SGD(model.parameters(), lr=0.05), model, nn.MSELoss(), x, y)

    def himmelblau(u, v):
        return (u ** 2 + v - 11) ** 2 + (u + v ** 2 - 7) ** 2

    runs = [((-1, 0.0), lambda ps, m=m: optim.SGD(ps, lr=0.01, momentum=m)) for m in (0.8, 0.5, 0.0)]
    runs += [((3.0, 0.0), lambda ps: optim.Adam(ps, lr=0.03)), ((3.0, 0.0), lambda ps: optim.RMSprop(ps, lr=0.03)),
             ((3.0, 0.0), lambda ps: optim.SGD(ps, lr=0.01, momentum=0.7))]
    for (u0, v0), make in runs:
        u = torch.tensor(float(u0), requires_grad=True)
        v = torch.tensor(float(v0), requires_grad=True)
        opt = make([u, v])
        previous, steps = None, 0
        for _ in range(100):
            loss = himmelblau(u, v)
            steps += 1
            opt.zero_grad()
            loss.backward()
            opt.step()
            if previous is not None and abs(loss.item() - previous) < 1e-3:
                break
            previous = loss.item()
        print(f"start({u0},{v0}) steps={steps:3d} u={u.item():.6f} v={v.item():.6f}")


if __name__ == "__main__":
    main()
