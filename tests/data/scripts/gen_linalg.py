"""Writes tests/data/linalg.json: torch.linalg values (torch 1.13, reference LAPACK) for Fluxion's Linalg tests.

Usage: /usr/bin/python3 gen_linalg.py OUTPUT.json

Every case stores its inputs exactly (float32 inputs are float32 values written as doubles) and torch's outputs.
eig outputs are put in Fluxion's documented order and gauge (see Linalg.eig): eigenvalues sorted by real part
ascending, then imaginary part descending; each eigenvector scaled to unit norm with its largest-modulus component
real and positive. eigh/svd outputs are stored as torch returns them; the tests align column signs.
"""
import json
import sys

import torch

torch.manual_seed(20261204)
cases = []


def flat(t):
    return t.detach().double().reshape(-1).tolist()


def tens(t):
    return {"shape": list(t.shape), "data": flat(t)}


def add(op, dtype, inputs, outputs, **kw):
    c = {"op": op, "dtype": "float32" if dtype == torch.float32 else "float64",
         "inputs": [tens(x) for x in inputs], "outputs": {k: tens(v) for k, v in outputs.items()}}
    c.update(kw)
    cases.append(c)


def well(*shape):
    n = shape[-1]
    return torch.randn(*shape, dtype=torch.float64) + 2.5 * torch.eye(n, dtype=torch.float64)


def spd(*shape):
    x = torch.randn(*shape, dtype=torch.float64)
    return x @ x.mT + 0.5 * torch.eye(shape[-1], dtype=torch.float64)


def sym(*shape):
    x = torch.randn(*shape, dtype=torch.float64)
    return (x + x.mT) / 2


def eig_gauge(vals, vecs):
    vals = vals.to(torch.complex128)
    vecs = vecs.to(torch.complex128)
    order = sorted(range(vals.shape[-1]), key=lambda i: (vals[i].real.item(), -vals[i].imag.item()))
    vals = vals[order]
    vecs = vecs[:, order]
    for j in range(vecs.shape[1]):
        v = vecs[:, j]
        v = v / torch.linalg.vector_norm(v)
        k = int(torch.argmax(v.abs()))
        v = v * (v[k].abs() / v[k])
        vecs[:, j] = v
    return vals, vecs


for dt in (torch.float32, torch.float64):
    for shape in [(3, 3), (4, 4), (2, 3, 3)]:
        a = well(*shape).to(dt)
        add("inv", dt, [a], {"out": torch.linalg.inv(a)})
        add("det", dt, [a], {"out": torch.linalg.det(a)})
        s, l = torch.linalg.slogdet(a)
        add("slogdet", dt, [a], {"sign": s, "logabsdet": l})
    a = torch.tensor([[0.0, 2.0, 1.0], [1.0, 1.0, 3.0], [2.0, 0.0, 1.0]], dtype=dt)
    add("det", dt, [a], {"out": torch.linalg.det(a)})
    s, l = torch.linalg.slogdet(a)
    add("slogdet", dt, [a], {"sign": s, "logabsdet": l})
    for sa, sb in [((3, 3), (3, 2)), ((3, 3), (3,)), ((2, 3, 3), (2, 3, 1)), ((3, 3), (2, 3, 2)), ((2, 4, 4), (2, 4))]:
        a = well(*sa).to(dt)
        b = torch.randn(*sb, dtype=torch.float64).to(dt)
        add("solve", dt, [a, b], {"out": torch.linalg.solve(a, b)})
    for shape in [(3, 3), (2, 4, 4)]:
        a = spd(*shape).to(dt)
        add("cholesky", dt, [a], {"out": torch.linalg.cholesky(a)})
    for shape in [(4, 3), (3, 4), (3, 3), (2, 4, 3)]:
        a = torch.randn(*shape, dtype=torch.float64).to(dt)
        for mode in ["reduced", "complete", "r"]:
            q, r = torch.linalg.qr(a, mode=mode)
            add("qr", dt, [a], {"Q": q, "R": r}, mode=mode)
    for shape in [(4, 4), (2, 3, 3)]:
        a = sym(*shape).to(dt)
        l, v = torch.linalg.eigh(a)
        add("eigh", dt, [a], {"eigenvalues": l, "eigenvectors": v})
    for a in [torch.randn(4, 4, dtype=torch.float64), torch.tensor([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.5, 0.0, 1.0]], dtype=torch.float64),
              torch.tensor([[0.0, 1.0], [-2.0, 0.5]], dtype=torch.float64)]:
        a = a.to(dt)
        vals, vecs = eig_gauge(*torch.linalg.eig(a.double()))
        tv, _ = torch.linalg.eig(a)
        tv = sorted(tv.tolist(), key=lambda z: (z.real, -z.imag))
        add("eig", dt, [a], {"values_real": vals.real, "values_imag": vals.imag, "vectors_real": vecs.real, "vectors_imag": vecs.imag,
                             "values_real_torch_dtype": torch.tensor([z.real for z in tv], dtype=torch.float64),
                             "values_imag_torch_dtype": torch.tensor([z.imag for z in tv], dtype=torch.float64)})
    for shape in [(4, 3), (3, 4), (3, 3), (2, 3, 2)]:
        a = torch.randn(*shape, dtype=torch.float64).to(dt)
        for full in [False, True]:
            u, s, vh = torch.linalg.svd(a, full_matrices=full)
            add("svd", dt, [a], {"U": u, "S": s, "Vh": vh}, full_matrices=full)
    for sa, sb in [((5, 3), (5, 2)), ((2, 4, 2), (2, 4, 3)), ((5, 3), (5,))]:
        a = torch.randn(*sa, dtype=torch.float64).to(dt)
        b = torch.randn(*sb, dtype=torch.float64).to(dt)
        r = torch.linalg.lstsq(a, b)
        add("lstsq", dt, [a, b], {"solution": r.solution, "rank": r.rank})
    x = torch.randn(2, 3, 4, dtype=torch.float64).to(dt)
    for ord in [2.0, 1.0, 3.0, 0.5, float("inf"), float("-inf"), 0.0]:
        for dim in [None, [-1], [0, 2]]:
            for keep in [False, True]:
                out = torch.linalg.vector_norm(x, ord, dim=dim, keepdim=keep)
                add("vector_norm", dt, [x], {"out": out}, ord=str(ord), dim=dim, keepdim=keep)
    for ord in ["fro", "nuc", 2.0, -2.0, 1.0, -1.0, float("inf"), float("-inf")]:
        for dim, keep in [((-2, -1), False), ((0, 2), True)]:
            out = torch.linalg.matrix_norm(x, ord, dim=dim, keepdim=keep)
            add("matrix_norm", dt, [x], {"out": out}, ord=str(ord), dim=list(dim), keepdim=keep)
    add("norm_default", dt, [x], {"out": torch.linalg.norm(x)})
    low = (torch.randn(4, 2, dtype=torch.float64) @ torch.randn(2, 4, dtype=torch.float64)).to(dt)
    add("matrix_rank", dt, [low], {"out": torch.linalg.matrix_rank(low)})
    b = torch.randn(2, 4, 3, dtype=torch.float64).to(dt)
    add("matrix_rank", dt, [b], {"out": torch.linalg.matrix_rank(b)})
    for a in [torch.randn(4, 3, dtype=torch.float64).to(dt), low]:
        add("pinv", dt, [a], {"out": torch.linalg.pinv(a)})

with open(sys.argv[1], "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
print(len(cases), "cases")
