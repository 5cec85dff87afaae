"""The PyTorch side of the checkpoint interop tests (tests/Core.Tests/IO/CheckpointTests.fs).

Usage: /usr/bin/python3 interop_checkpoints.py export DIR   writes torch_mlp.pt, torch_mlp64.pt, optimizer runs, torch_expected.json
       /usr/bin/python3 interop_checkpoints.py import DIR   reads the fluxion_* files and prints a JSON report
"""
import json
import os
import struct
import sys

import numpy
import torch

X = torch.tensor([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]])
Y = torch.tensor([[1.0], [-0.5], [0.25]])


def mlp(dtype=torch.float32, seed=123):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1)).to(dtype)


def bits(t):
    fmt = ("<f", "<I") if t.dtype == torch.float32 else ("<d", "<Q")
    return [struct.unpack(fmt[1], struct.pack(fmt[0], v))[0] for v in t.detach().flatten().tolist()]


def export(d):
    out = {}
    for dtype, suffix in [(torch.float32, ""), (torch.float64, "64")]:
        m = mlp(dtype)
        torch.save(m.state_dict(), os.path.join(d, "torch_mlp%s.pt" % suffix))
        with torch.no_grad():
            out["output" + suffix] = bits(m(X.to(dtype)))
        out["params" + suffix] = {k: bits(v) for k, v in m.state_dict().items()}
    # Optimizer runs to resume in Fluxion: state after 3 steps, parameters after a 4th.
    for name, make in [("adam", lambda ps: torch.optim.Adam(ps, lr=0.01)),
                       ("sgd", lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9)),
                       ("rmsprop", lambda ps: torch.optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True)),
                       ("adagrad", lambda ps: torch.optim.Adagrad(ps, lr=0.1))]:
        m = mlp()
        opt = make(m.parameters())
        for step in range(4):
            if step == 3:
                torch.save(m.state_dict(), os.path.join(d, "torch_%s_model.pt" % name))
                torch.save(opt.state_dict(), os.path.join(d, "torch_%s.pt" % name))
            opt.zero_grad()
            torch.nn.functional.mse_loss(m(X), Y).backward()
            opt.step()
        out[name + "_step4"] = {k: bits(v) for k, v in m.state_dict().items()}
    with open(os.path.join(d, "torch_expected.json"), "w") as f:
        json.dump(out, f)


def read_safetensors(path):
    types = {"F32": numpy.float32, "F64": numpy.float64, "I64": numpy.int64, "BOOL": numpy.bool_}
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    result = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        a = numpy.frombuffer(raw[8 + n + b:8 + n + e], dtype=types[info["dtype"]]).reshape(info["shape"])
        result[name] = torch.from_numpy(a.copy())
    return result, list(k for k in header if k != "__metadata__")


def import_(d):
    report = {}
    for dtype, suffix in [(torch.float32, ""), (torch.float64, "64")]:
        sd = torch.load(os.path.join(d, "fluxion_mlp%s.pt" % suffix), weights_only=True)
        report["keys" + suffix] = list(sd.keys())
        report["dtypes" + suffix] = sorted({str(v.dtype) for v in sd.values()})
        m = mlp(dtype, seed=7)
        m.load_state_dict(sd)
        with torch.no_grad():
            report["output" + suffix] = bits(m(X.to(dtype)))
    st, st_keys = read_safetensors(os.path.join(d, "fluxion_mlp.safetensors"))
    pt = torch.load(os.path.join(d, "fluxion_mlp.pt"), weights_only=True)
    report["safetensors_keys"] = st_keys
    report["safetensors_equal"] = all(torch.equal(st[k], pt[k]) for k in pt)
    # Resume a Fluxion Adam run in PyTorch: one more step from the saved model and optimizer.
    # (torch 1.13's weights_only loader does not know BINFLOAT, which optimizer hyper-parameters need.)
    m = mlp(seed=7)
    m.load_state_dict(torch.load(os.path.join(d, "fluxion_opt_model.pt"), weights_only=True))
    opt = torch.optim.Adam(m.parameters(), lr=0.01)
    opt.load_state_dict(torch.load(os.path.join(d, "fluxion_adam.pt")))
    opt.zero_grad()
    torch.nn.functional.mse_loss(m(X), Y).backward()
    opt.step()
    report["adam_resumed"] = {k: bits(v) for k, v in m.state_dict().items()}
    report["adam_state_keys"] = sorted(opt.state_dict()["state"][0].keys())
    print(json.dumps(report))


if __name__ == "__main__":
    {"export": export, "import": import_}[sys.argv[1]](sys.argv[2])
