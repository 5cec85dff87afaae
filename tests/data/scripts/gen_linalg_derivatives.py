"""Float32 values, VJPs (torch.autograd.grad) and JVPs (torch.autograd.forward_ad) of torch 1.13's linalg ops,
as hex bit patterns, for the managed backend's linear-algebra derivative tests (same case layout as
gen_derivatives.py). Inputs are well conditioned (diagonally dominant, or M Mᵀ + n I for the symmetric ops).
Outputs with a sign gauge (eigenvectors, singular vectors) are compared through sign-invariant functions:
the elementwise square V ∘ V.

Usage: /usr/bin/python3 gen_linalg_derivatives.py OUT.json
"""
import json
import struct
import sys

import torch
import torch.autograd.forward_ad as fwAD

gen = torch.Generator().manual_seed(20261205)


def hx(t):
    return "".join("%08x" % struct.unpack("<I", struct.pack("<f", float(v)))[0] for v in t.detach().reshape(-1).tolist())


def randn(shape, scale=1.0):
    return (torch.randn(shape, generator=gen) * scale).float()


def general(shape):
    """A well-conditioned square matrix (batch): randn plus n on the diagonal."""
    n = shape[-1]
    return (randn(shape) + n * torch.eye(n)).float()


def spd(shape):
    m = randn(shape)
    return (m @ m.transpose(-2, -1) + shape[-1] * torch.eye(shape[-1])).float()


FNS = {
    "inv": lambda p, a: torch.linalg.inv(a),
    "det": lambda p, a: torch.linalg.det(a),
    "slogdet": lambda p, a: torch.linalg.slogdet(a)[1],
    "solve": lambda p, a, b: torch.linalg.solve(a, b),
    "cholesky": lambda p, a: torch.linalg.cholesky(a),
    "qr_q": lambda p, a: torch.linalg.qr(a)[0],
    "qr_r": lambda p, a: torch.linalg.qr(a)[1],
    "eigh_values": lambda p, a: torch.linalg.eigh(a)[0],
    "eigh_vectors_sq": lambda p, a: torch.linalg.eigh(a)[1].square(),
    "svd_s": lambda p, a: torch.linalg.svd(a, full_matrices=False)[1],
    "svd_u_sq": lambda p, a: torch.linalg.svd(a, full_matrices=False)[0].square(),
    "svd_vh_sq": lambda p, a: torch.linalg.svd(a, full_matrices=False)[2].square(),
    "svdvals": lambda p, a: torch.linalg.svdvals(a),
    "lstsq": lambda p, a, b: torch.linalg.lstsq(a, b).solution,
    "vector_norm": lambda p, x: torch.linalg.vector_norm(x, 2.0, p["dims"] or None, p["keep"]),
    "norm": lambda p, x: torch.linalg.norm(x),
    "matrix_norm_fro": lambda p, x: torch.linalg.matrix_norm(x, "fro"),
    "matrix_norm_nuc": lambda p, x: torch.linalg.matrix_norm(x, "nuc"),
    "matrix_norm_2": lambda p, x: torch.linalg.matrix_norm(x, 2),
}


def case(op, params, inputs):
    fn = FNS[op]
    xs = [x.clone().requires_grad_(True) for x in inputs]
    y = fn(params, *xs)
    g = randn(y.shape)
    grads = torch.autograd.grad(y, xs, g, allow_unused=True)
    grads = [torch.zeros_like(x) if gr is None else gr for x, gr in zip(xs, grads)]
    tangents = [randn(x.shape) for x in inputs]
    if op.startswith("eigh") or op == "cholesky":
        # The symmetric ops read one triangle; a symmetric tangent keeps both conventions' answers equal.
        tangents = [(t + t.transpose(-2, -1)) * 0.5 for t in tangents]
    try:
        with fwAD.dual_level():
            duals = [fwAD.make_dual(x.detach(), t) for x, t in zip(inputs, tangents)]
            yd = fn(params, *duals)
            t = fwAD.unpack_dual(yd).tangent
            jvp = {"shape": list(yd.shape), "bits": hx(t if t is not None else torch.zeros_like(yd))}
    except (NotImplementedError, RuntimeError) as e:
        jvp = None
        print("no forward formula: %s (%s)" % (op, str(e).splitlines()[0][:100]), file=sys.stderr)
    return {
        "op": op,
        "params": params,
        "inputs": [{"shape": list(x.shape), "bits": hx(x)} for x in inputs],
        "value": {"shape": list(y.shape), "bits": hx(y)},
        "cotangent": hx(g),
        "vjp": [hx(gr) for gr in grads],
        "tangents": [hx(t) for t in tangents],
        "jvp": jvp,
    }


SQUARE = [(2, 2), (3, 3), (4, 4), (6, 6), (2, 3, 3)]
cases = []
for s in SQUARE:
    for op in ("inv", "det", "slogdet"):
        cases.append(case(op, {}, [general(s)]))
    cases.append(case("cholesky", {}, [spd(s)]))
    for op in ("eigh_values", "eigh_vectors_sq"):
        cases.append(case(op, {}, [spd(s)]))
for sa, sb in [((2, 2), (2, 3)), ((3, 3), (3, 1)), ((5, 5), (5, 2)), ((4, 4), (4,)), ((2, 3, 3), (3, 2)), ((3, 3), (2, 3, 4))]:
    cases.append(case("solve", {}, [general(sa), randn(sb)]))
for s in [(2, 2), (3, 3), (5, 3), (6, 4), (2, 4, 3)]:
    for op in ("qr_q", "qr_r", "svd_s", "svd_u_sq", "svd_vh_sq", "svdvals"):
        cases.append(case(op, {}, [randn(s)]))
for s in [(3, 5)]:
    for op in ("svd_s", "svd_u_sq", "svd_vh_sq"):
        cases.append(case(op, {}, [randn(s)]))
for sa, sb in [((5, 3), (5, 2)), ((6, 4), (6, 1)), ((4, 4), (4, 3)), ((2, 5, 3), (2, 5, 2))]:
    a = randn(sa)
    a[..., : sa[-1], :] += 2 * torch.eye(sa[-1])
    cases.append(case("lstsq", {}, [a, randn(sb)]))
for s, dims, keep in [((7,), [], False), ((3, 5), [], False), ((3, 5), [1], False), ((2, 3, 4), [0, 2], True)]:
    cases.append(case("vector_norm", {"dims": dims, "keep": keep}, [randn(s)]))
for s in [(7,), (3, 5), (2, 3, 4)]:
    cases.append(case("norm", {}, [randn(s)]))
for s in [(3, 5), (4, 4), (2, 3, 4)]:
    for op in ("matrix_norm_fro", "matrix_norm_nuc", "matrix_norm_2"):
        cases.append(case(op, {}, [randn(s)]))

with open(sys.argv[1], "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print("%d cases" % len(cases), file=sys.stderr)
