"""Prints the course's Tensor Storage cells (PCPT_03 cells 8, 34, 36, 56, 59, 61, 63) with PyTorch 1.13.

Usage: /usr/bin/python3 gen_storage_cells.py OUTPUT_PATH
The output is the golden text that tests/Api.Tests/StorageTests.fs compares the C# scenarios
(tests/Api.Tests.CSharp/StorageScenarios.cs) with, one "=== cell N" block per cell.
"""
import contextlib
import io
import sys

import numpy as np
import torch


def cell8():
    x_np = np.array([1, 2, 3, 4])
    print(f"x_np = {x_np}, type = {type(x_np)}")
    x_torch = torch.from_numpy(x_np)
    print(f"x_torch = {x_torch}, type = {type(x_torch)}")
    x_torch[0] = 10
    x_np[1] = 20
    print(f"x_np = {x_np}")
    print(f"x_torch = {x_torch}")


def cell34():
    x = torch.tensor([[1, 2], [3, 4], [5, 6]])
    print("Original tensor x:\n", x)
    y = x.view(2, 3)
    z = x.reshape(2, 3)
    print("\nAfter reshaping:")
    print("y:", y)
    print("z:", z)
    x[1, 0] = 30
    print("\nAfter modifying x[1, 0] = 30:")
    print("y:", y)
    print("z:", z)


def cell36():
    x = torch.zeros([2, 1, 1, 4])
    print("Shape of x:", x.shape)
    y = x.squeeze()
    print("Shape of y:", y.shape)
    z = y.unsqueeze(0)
    print("Shape of z:", z.shape)
    z2 = y[None, :, :, None]
    print("Shape of z2:", z2.shape)
    x[0, 0, 0, 0] = 1
    print("Tensor z after modifying x:\n", z)


def cell56():
    x = torch.tensor([[1, 2, 3], [4, 5, 6]])
    print(f"x.shape: {x.shape}")
    print(f"x.storage_offset = {x.storage_offset()}")
    print(f"x.stride = {x.stride()}")
    # PyTorch 1.13 has no Tensor.untyped_storage() (2.0 added it); storage().untyped() is the same bytes.
    storage = x.untyped_storage() if hasattr(x, "untyped_storage") else x.storage().untyped()
    print(f"Storage:\n{np.frombuffer(bytes(storage), dtype=np.int64)}")


def cell59():
    x = torch.tensor([[1, 2], [3, 4], [5, 6]])
    s = x.view(6)
    s[1] = 20
    y = x.T
    print(f"Transposed tensor:\n {y}")
    print(f"Same address of first element: {x.data_ptr() == y.data_ptr()}")


def cell61():
    x = torch.tensor([[1, 2], [3, 4], [5, 6]])
    y = x.T
    z = y.contiguous()
    print("x.stride:", x.stride())
    print("Contiguous x:", x.is_contiguous())
    print("y.stride:", y.stride())
    print("Contiguous y:", y.is_contiguous())
    print("z.stride:", z.stride())
    print("Contiguous z:", z.is_contiguous())
    x[0, 1] = 20
    print("y:\n", y)
    print("z:\n", z)
    print("Same address for y and z:", y.data_ptr() == z.data_ptr())


def cell63():
    x = torch.tensor([[1, 2, 3], [4, 5, 6]])
    y = x.view(6)
    z = x.view(6).clone()
    print(f"Same address for x and y: {x.data_ptr() == y.data_ptr()}")
    print(f"Same address for x and z: {x.data_ptr() == z.data_ptr()}")


def main(path):
    out = io.StringIO()
    for n, cell in [(8, cell8), (34, cell34), (36, cell36), (56, cell56), (59, cell59), (61, cell61), (63, cell63)]:
        out.write(f"=== cell {n}\n")
        with contextlib.redirect_stdout(out):
            cell()
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(out.getvalue())


if __name__ == "__main__":
    main(sys.argv[1])
