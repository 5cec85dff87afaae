"""Vectors for Fluxion.Compat.Sklearn (make_blobs, confusion_matrix) and Fluxion.Compat.Evaluation.

Usage: /usr/bin/python3 gen_compat_sklearn.py OUT.json COURSE_DIR   (sklearn 1.2, numpy 1.24)

COURSE_DIR is the folder holding the course's libpcpt package; its unit09 eval_PRF and mean_PRF are the oracle.
Doubles are stored as 16-hex-digit IEEE bit patterns.
"""
import json
import struct
import sys

import numpy as np
import sklearn
from sklearn.datasets import make_blobs
from sklearn.metrics import confusion_matrix


def hx(v):
    return struct.pack(">d", float(v)).hex()


def flo(a):
    return [hx(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def main(out_path, course_dir):
    sys.path.insert(0, course_dir)
    from libpcpt.unit09 import eval_PRF, mean_PRF

    doc = dict(sklearn=sklearn.__version__, numpy=np.__version__)
    blobs = []
    specs = [
        dict(n_samples=100, random_state=0),
        dict(n_samples=10, centers=3, n_features=2, random_state=42),
        dict(n_samples=11, centers=4, n_features=3, cluster_std=0.5, random_state=7, shuffle=False),
        dict(n_samples=20, centers=[[-3.0, -3.0]], cluster_std=0.7, random_state=1),
        dict(n_samples=9, centers=[[0.0, 1.0], [5.0, 5.0]], cluster_std=[0.3, 2.0], random_state=3),
        dict(n_samples=[3, 5, 2], n_features=2, random_state=5),
        dict(n_samples=[4, 1], centers=[[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]], random_state=8, shuffle=False),
        dict(n_samples=7, centers=2, center_box=(0.0, 1.0), random_state=2**32 - 1),
    ]
    for kw in specs:
        X, y, c = make_blobs(return_centers=True, **kw)
        rec = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
        rec.update(X=flo(X), y=[int(i) for i in y], centers_out=flo(c), shape=list(X.shape))
        blobs.append(rec)
    doc["make_blobs"] = blobs

    # the course's point cloud (libpcpt unit07): seed, four randn draws, then make_blobs on the global state
    seed, n, noise = 0, 300, 0.15
    np.random.seed(seed)
    spiral = [np.random.randn(n) * noise for _ in range(4)]
    X2, y2 = make_blobs(n_samples=n, centers=[[-3, -3]], cluster_std=0.7)
    doc["pointcloud"] = dict(seed=seed, n=n, spiral_noise=[flo(s) for s in spiral], blob=flo(X2), y=[int(i) for i in y2])

    cms = []
    rs = np.random.RandomState(3)
    for yt, yp, labels in [
        ([0, 1, 2, 2, 1, 0], [0, 2, 2, 2, 0, 0], [0, 1, 2]),
        ([0, 1, 2, 2, 1, 0], [0, 2, 2, 2, 0, 0], None),
        ([3, 1, 3, 7], [1, 1, 7, 9], None),
        ([3, 1, 3, 7], [1, 1, 7, 9], [7, 3]),
        ([0, 5, 1], [0, 1, 5], [0, 1, 2, 3, 4, 5]),
        ([], [], [0, 1]),
        (list(rs.randint(0, 6, 300)), list(rs.randint(0, 6, 300)), list(range(6))),
    ]:
        cm = confusion_matrix(np.asarray(yt, dtype=np.int64), np.asarray(yp, dtype=np.int64), labels=labels)
        cms.append(dict(y_true=[int(v) for v in yt], y_pred=[int(v) for v in yp], labels=labels,
                        out=[[int(v) for v in row] for row in cm]))
    doc["confusion_matrix"] = cms

    prf = []
    results = []
    rs = np.random.RandomState(11)
    cases = [([1, 5], [2, 9], 1), ([], [], 0), ([3], [], 2), ([], [4], 2), ([10, 12], [11], 1), ([10, 14], [12], 2),
             ([5, 6, 7], [6, 6], 1), ([0, 20, 40], [40, 0, 21], 0)]
    for _ in range(20):
        ref = np.sort(rs.choice(128, rs.randint(0, 12), replace=False))
        pred = np.sort(np.unique(np.clip(ref + rs.randint(-4, 5, len(ref)), 0, 127)))
        extra = rs.choice(128, rs.randint(0, 4), replace=False)
        cases.append(([int(v) for v in ref], [int(v) for v in np.concatenate([pred, extra])], int(rs.randint(0, 4))))
    for ref, pred, tol in cases:
        P, R, F, cr, cp = eval_PRF(ref, pred, tolerance=tol)
        prf.append(dict(ref=ref, pred=[int(v) for v in pred], tolerance=tol, P=hx(P), R=hx(R), F=hx(F),
                        cond_ref=bool(cr), cond_pred=bool(cp)))
        results.append((0, P, R, F, cr, cp))
    mP, mR, mF, mcr, mcp = mean_PRF(results)
    doc["eval_prf"] = prf
    doc["mean_prf"] = dict(P=hx(mP), R=hx(mR), F=hx(mF), cond_ref=bool(mcr), cond_pred=bool(mcp))
    with open(out_path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
