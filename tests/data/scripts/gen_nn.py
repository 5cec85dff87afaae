# Makes tests/data/nn_torch.json with /usr/bin/python3 (Debian python3-torch 1.13).
import json, struct, torch
import torch.nn as nn

def hx(t):
    t = t.detach().contiguous().view(-1)
    if t.dtype == torch.float64:
        return [hex(struct.unpack('<Q', struct.pack('<d', float(v)))[0]) for v in t.tolist()]
    return ['0x%08x' % struct.unpack('<I', struct.pack('<f', float(v)))[0] for v in t.tolist()]

def T(t):
    return {"shape": list(t.shape), "hex": hx(t), "dec": [float(v) for v in t.detach().reshape(-1).tolist()]}

out = {"about": "Made by tests/data/scripts/gen_nn.py with real PyTorch 1.13 (Debian python3-torch, /usr/bin/python3), CPU, float32. 'hex' = IEEE-754 bit patterns (authoritative), 'dec' = the same values as decimals. Inputs are given as decimals exactly representable in float32."}

x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-2.0, 3.0, 1.0], [0.0, -0.5, 0.125]])
out["input_4x3"] = T(x)
xs = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) * 0.25 - 2.0
out["input_2x3x4"] = T(xs)

# Dropout: manual_seed then Dropout(p) in training on ones(n)
drops = []
for seed, p, n in [(0, 0.3, 12), (1, 0.5, 20), (7, 0.2, 5)]:
    torch.manual_seed(seed)
    d = nn.Dropout(p); d.train()
    y = d(torch.ones(n))
    nxt = torch.rand(1)
    drops.append({"seed": seed, "p": p, "n": n, "output": T(y), "next_rand": T(nxt)})
out["dropout_train_ones"] = drops

# BatchNorm1d(3) in training twice, then eval
bn = nn.BatchNorm1d(3)
y1 = bn(x)
rm1, rv1 = bn.running_mean.clone(), bn.running_var.clone()
y2 = bn(x * 2.0 + 1.0)
bn.eval()
ye = bn(x)
out["batchnorm_2d"] = {"train1": T(y1), "running_mean1": T(rm1), "running_var1": T(rv1), "train2": T(y2),
                       "running_mean2": T(bn.running_mean), "running_var2": T(bn.running_var),
                       "num_batches_tracked": int(bn.num_batches_tracked), "eval": T(ye)}
bn3 = nn.BatchNorm1d(3)
y3 = bn3(xs)
out["batchnorm_3d"] = {"train": T(y3), "running_mean": T(bn3.running_mean), "running_var": T(bn3.running_var)}

# RNN / RNNCell init and outputs
torch.manual_seed(0)
rnn = nn.RNN(3, 4)
seq = torch.tensor([[[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], [[-2.0, 3.0, 1.0], [0.0, -0.5, 0.125]], [[1.0, 1.0, -1.0], [0.5, 0.5, 0.5]]])
o, h = rnn(seq)
out["rnn"] = {"seed": 0, "params": {n: T(p) for n, p in rnn.named_parameters()}, "input": T(seq), "output": T(o), "h_n": T(h)}
torch.manual_seed(0)
cell = nn.RNNCell(3, 4)
hc = cell(x)
out["rnn_cell"] = {"seed": 0, "params": {n: T(p) for n, p in cell.named_parameters()}, "output": T(hc)}

# Conv1d padding modes and 'same'
convs = []
for kw in [dict(padding=1, padding_mode='reflect'), dict(padding=2, padding_mode='circular'), dict(padding=1, padding_mode='replicate'),
           dict(padding='same'), dict(padding=1, stride=2, dilation=2, groups=1), dict(padding=0, groups=3, out_channels=6)]:
    torch.manual_seed(0)
    oc = kw.pop('out_channels', 2)
    k = 4 if kw.get('padding') == 'same' else 3
    c = nn.Conv1d(3, oc, k, **kw)
    y = c(xs)
    convs.append({"kwargs": {**{a: b for a, b in kw.items()}, "out_channels": oc, "kernel_size": k}, "weight": T(c.weight), "bias": T(c.bias), "output": T(y), "grad_fn": y.grad_fn.name()})
out["conv1d"] = convs

# activations on x
acts = {}
for name, m in [("GELU_tanh", nn.GELU(approximate='tanh')), ("GELU", nn.GELU()), ("Softplus_2_1.5", nn.Softplus(beta=2.0, threshold=1.5)),
                ("Softplus", nn.Softplus()), ("ELU_0.5", nn.ELU(alpha=0.5)), ("LeakyReLU_0.1", nn.LeakyReLU(0.1)),
                ("Softmax_1", nn.Softmax(dim=1)), ("LogSoftmax_1", nn.LogSoftmax(dim=1)), ("Softmax_implicit", nn.Softmax())]:
    acts[name] = T(m(x))
out["activations"] = acts
out["pools"] = {"MaxPool1d_2": T(nn.MaxPool1d(2)(xs)), "MaxPool1d_3_1_1": T(nn.MaxPool1d(3, stride=1, padding=1)(xs)),
                "AvgPool1d_2": T(nn.AvgPool1d(2)(xs)), "AvgPool1d_3_1_1": T(nn.AvgPool1d(3, stride=1, padding=1)(xs))}

# Linear on 3-D input
torch.manual_seed(0)
lin = nn.Linear(4, 2)
y = lin(xs)
out["linear_3d"] = {"weight": T(lin.weight), "bias": T(lin.bias), "output": T(y), "grad_fn": y.grad_fn.name()}

json.dump(out, open('tests/data/nn_torch.json', 'w'), indent=1)
