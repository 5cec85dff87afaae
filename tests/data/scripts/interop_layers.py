"""The PyTorch side of the BatchNorm state_dict interop test (tests/Core.Tests/Nn/LayersTorchTests.fs).

Usage: /usr/bin/python3 interop_layers.py FILE.pt
Loads the file with torch.load into Sequential(Linear(3, 4), BatchNorm1d(4)) (strict) and prints a JSON report.
"""
import json
import struct
import sys

import torch

sd = torch.load(sys.argv[1])
model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
model.load_state_dict(sd, strict=True)
report = {"keys": list(sd.keys()), "dtypes": {k: str(v.dtype) for k, v in sd.items()},
          "values": {k: ([format(struct.unpack("<I", struct.pack("<f", x))[0], "08x") for x in v.flatten().tolist()]
                         if v.is_floating_point() else int(v)) for k, v in sd.items()}}
print(json.dumps(report))
