"""Writes the checkpoint fixtures of tests/Core.Tests/IO with real PyTorch 1.13.

Usage: /usr/bin/python3 gen_checkpoints.py OUTPUT_DIR

- checkpoint_mlp.pt / checkpoint_mlp64.pt: torch.save(model.state_dict()) of Sequential(Linear(2, 3), ReLU(),
  Linear(3, 1)) (seed 0) in float32 and float64.
- checkpoint_views.pt: tensors saved as views of larger storages (offset, strides), int64 and bool tensors,
  an nn.Parameter.
- checkpoint_mlp.safetensors: the float32 state dict in the safetensors layout (8-byte little-endian header
  length, JSON header, raw data), written here byte by byte because the safetensors package is not installed.
- checkpoint_expected.json: parameter and prediction bits the tests compare against.
"""
import json
import os
import struct
import sys
from collections import OrderedDict

import torch


def mlp(dtype):
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    return m.to(dtype)


def bits(t):
    if t.dtype == torch.float32:
        return [struct.unpack("<I", struct.pack("<f", v))[0] for v in t.flatten().tolist()]
    return [struct.unpack("<Q", struct.pack("<d", v))[0] for v in t.flatten().tolist()]


def write_safetensors(path, state_dict, metadata):
    codes = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.bool: "BOOL"}
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in state_dict.items():
        data = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def main(out):
    os.makedirs(out, exist_ok=True)
    x = torch.tensor([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]])
    expected = {"input": x.flatten().tolist()}
    for dtype, suffix in [(torch.float32, ""), (torch.float64, "64")]:
        m = mlp(dtype)
        torch.save(m.state_dict(), os.path.join(out, "checkpoint_mlp%s.pt" % suffix))
        with torch.no_grad():
            y = m(x.to(dtype))
        expected["mlp" + suffix] = {
            "params": OrderedDict((k, bits(v)) for k, v in m.state_dict().items()),
            "output": bits(y),
        }
    write_safetensors(os.path.join(out, "checkpoint_mlp.safetensors"), mlp(torch.float32).state_dict(), {"format": "pt"})

    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    views = OrderedDict()
    views["column"] = base[:, 1]  # storage offset 1, stride (4,)
    views["transposed"] = base.t()  # strides (1, 4)
    views["block"] = base[1:, 2:]  # offset 6, strides (4, 1)
    views["longs"] = torch.tensor([[-3, 2**40], [7, 0]], dtype=torch.int64)
    views["mask"] = torch.tensor([True, False, True])
    views["scalar"] = torch.tensor(2.5, dtype=torch.float64)
    views["parameter"] = torch.nn.Parameter(torch.tensor([1.5, -2.0]))  # pickled with _rebuild_parameter
    torch.save(views, os.path.join(out, "checkpoint_views.pt"))
    expected["views"] = OrderedDict((k, v.detach().flatten().tolist()) for k, v in views.items())
    expected["views_shapes"] = OrderedDict((k, list(v.shape)) for k, v in views.items())

    with open(os.path.join(out, "checkpoint_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
