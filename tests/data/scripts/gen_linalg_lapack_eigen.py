"""Writes tests/data/linalg_lapack_eigen.json: torch.linalg.eig / eigh outputs exactly as torch 1.13 returns them
(Debian's build, reference LAPACK: geev for eig, syevd for eigh), so Fluxion's order and signs can be compared
element for element.

Usage: /usr/bin/python3 gen_linalg_lapack_eigen.py OUTPUT.json

Each case stores the input (float32 inputs as the float32 values written as doubles) and torch's outputs
unchanged: eigenvalues in LAPACK's order, eigenvectors with LAPACK's signs (eig: complex vectors as real and
imaginary parts).
"""
import json
import sys

import torch

torch.manual_seed(31337)
cases = []


def flat(t):
    return t.detach().double().reshape(-1).tolist()


def add(op, kind, a):
    c = {"op": op, "kind": kind, "dtype": "float32" if a.dtype == torch.float32 else "float64",
         "shape": list(a.shape), "input": flat(a)}
    if op == "eig":
        w, v = torch.linalg.eig(a)
        c["values_real"], c["values_imag"] = flat(w.real), flat(w.imag)
        c["vectors_real"], c["vectors_imag"] = flat(v.real), flat(v.imag)
    else:
        w, v = torch.linalg.eigh(a)
        c["values"], c["vectors"] = flat(w), flat(v)
    cases.append(c)


def both(op, kind, a):
    add(op, kind, a.double())
    add(op, kind, a.float())


def sym(n):
    x = torch.randn(n, n, dtype=torch.float64)
    return (x + x.T) / 2


def rotated(diag):
    q, _ = torch.linalg.qr(torch.randn(len(diag), len(diag), dtype=torch.float64))
    return q @ torch.diag(torch.tensor(diag, dtype=torch.float64)) @ q.T


# The course's cell 50 and exercise 3 style matrices.
both("eig", "course 2x2", torch.tensor([[2.0, 1.0], [1.0, 2.0]]))
both("eigh", "course 2x2", torch.tensor([[2.0, 1.0], [1.0, 2.0]]))
x = torch.randn(100, 2) @ torch.tensor([[3.0, 0.0], [1.0, 0.5]])
xc = x - x.mean(0)
cov = xc.T @ xc / 99
both("eigh", "covariance 2x2", cov)
both("eig", "covariance 2x2", cov)
for n in range(2, 9):
    for _ in range(2):
        both("eigh", "random symmetric", sym(n))
        both("eig", "random nonsymmetric", torch.randn(n, n, dtype=torch.float64))
    both("eig", "random symmetric", sym(n))
    both("eigh", "repeated eigenvalues", rotated([1.0] * (n - 1) + [3.0]))
    both("eig", "repeated eigenvalues", rotated([2.0] * (n // 2) + [-1.0] * (n - n // 2)))
    both("eigh", "diagonal", torch.diag(torch.randn(n, dtype=torch.float64)))
    both("eig", "upper triangular", torch.triu(torch.randn(n, n, dtype=torch.float64)))
    both("eig", "badly scaled", torch.randn(n, n, dtype=torch.float64) * (10.0 ** torch.arange(n, dtype=torch.float64)).unsqueeze(1) / (10.0 ** torch.arange(n, dtype=torch.float64)))
both("eig", "rotation", torch.tensor([[0.0, -1.0], [1.0, 0.0]]))
both("eig", "pair", torch.tensor([[0.0, 1.0], [-2.0, 0.5]]))
both("eig", "companion", torch.tensor([[0.0, 0.0, 6.0], [1.0, 0.0, -11.0], [0.0, 1.0, 6.0]]))
both("eig", "jordan-like", torch.tensor([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [0.0, 0.0, 1.0]]))
both("eig", "identity", torch.eye(3))
both("eigh", "identity", torch.eye(4))
both("eigh", "tridiagonal", torch.diag(torch.full((6,), 2.0)) + torch.diag(torch.full((5,), -1.0), 1) + torch.diag(torch.full((5,), -1.0), -1))

with open(sys.argv[1], "w") as f:
    json.dump(cases, f)
print(len(cases), "cases")
