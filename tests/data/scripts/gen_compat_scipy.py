"""Vectors for Fluxion.Compat.SciPy: scipy.signal.find_peaks with height, distance and plateau_size.

Usage: /usr/bin/python3 gen_compat_scipy.py OUT.json   (scipy 1.10, numpy 1.24)

Doubles are stored as 16-hex-digit IEEE bit patterns.
"""
import json
import struct
import sys

import numpy as np
import scipy
from scipy.signal import find_peaks


def hx(v):
    return struct.pack(">d", float(v)).hex()


def flo(a):
    return [hx(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def case(name, x, **kw):
    peaks, props = find_peaks(x, **kw)
    rec = dict(name=name, x=flo(x), peaks=[int(p) for p in peaks])
    for k in ["height", "distance", "plateau_size"]:
        if k in kw:
            v = kw[k]
            rec[k] = list(v) if isinstance(v, tuple) else v
    for k, v in props.items():
        rec[k] = flo(v) if k == "peak_heights" else [int(i) for i in v]
    return rec


def gauss_curve(rs, n, centers, sigma):
    t = np.arange(n, dtype=float)
    y = np.zeros(n)
    for c in centers:
        y = np.maximum(y, np.exp(-0.5 * ((t - c) / sigma) ** 2))
    return y


def main(out_path):
    rs = np.random.RandomState(99)
    cases = []
    cases.append(case("flat peaks and edge plateaus", np.array([3, 3, 1, 2, 2, 2, 1, 4, 4, 1, 0, 5, 5, 5, 5.0])))
    cases.append(case("flat peaks with plateau sizes", np.array([0, 1, 1, 0, 2, 2, 2, 2, 0, 1, 0, 3, 3, 3.0]), plateau_size=True))
    cases.append(case("plateau size bounds", np.array([0, 1, 1, 0, 2, 2, 2, 2, 0, 1, 0, 3, 3, 3, 0.0]), plateau_size=(2, 3)))
    cases.append(case("no peaks", np.array([1, 2, 3, 4.0])))
    cases.append(case("short", np.array([1.0, 2.0])))
    cases.append(case("empty", np.array([], dtype=float)))
    cases.append(case("nan neighbours", np.array([0, 1, np.nan, 1, 0, 2, 0, np.nan, 3, 0.0])))
    cases.append(case("height interval", np.array([0, 1, 0, 3, 0, 2, 0, 5, 0, 0.5, 0.0]), height=(0.9, 3)))
    cases.append(case("height edge equal", np.array([0, 0.4, 0, 0.5, 0, 0.3999, 0.0]), height=0.4))
    # equal heights within the distance: which survives follows numpy's (unstable) argsort
    ties = np.zeros(64)
    ties[[3, 5, 7, 9, 20, 22, 24, 40, 42, 44, 60]] = 1.0
    cases.append(case("ties in distance", ties, height=0.5, distance=3))
    many = np.zeros(200)
    many[2:198:3] = 1.0
    cases.append(case("many ties", many, height=0.5, distance=5))
    cases.append(case("many ties float distance", many, height=0.5, distance=4.2))
    # 17 equal peaks: the smallest count numpy's argsort partitions instead of insertion-sorting
    seventeen = np.zeros(36)
    seventeen[1:35:2] = 1.0
    cases.append(case("seventeen ties", seventeen, distance=3))
    mixed = np.zeros(200)
    mixed[2:198:3] = rs.randint(1, 4, 66) / 4.0
    cases.append(case("mixed ties", mixed, distance=7))
    # the course's curves: 128-sample reference targets (Gaussian bumps of height 1) and noisy predictions
    for k in range(12):
        centers = np.sort(rs.choice(np.arange(4, 124, 6), size=rs.randint(5, 11), replace=False))
        y_ref = gauss_curve(rs, 128, centers, 1.0)
        y_pred = np.clip(gauss_curve(rs, 128, centers + rs.randint(-2, 3, len(centers)), 1.5) * rs.uniform(0.3, 1.0)
                         + rs.normal(0.0, 0.08, 128), 0.0, 1.0)
        for tol in [0, 1, 2, 3]:
            d = 2 * tol + 1
            cases.append(case(f"course ref {k} tol {tol}", y_ref, height=0.4, distance=d, plateau_size=True))
            cases.append(case(f"course pred {k} tol {tol}", y_pred, height=0.4, distance=d))
    for k in range(10):
        x = np.round(rs.normal(0.0, 1.0, rs.randint(20, 300)), 1)
        cases.append(case(f"rounded noise {k}", x, height=rs.choice([-0.5, 0.0, 0.5]), distance=int(rs.randint(1, 12))))
    doc = dict(scipy=scipy.__version__, numpy=np.__version__, cases=cases)
    with open(out_path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1])
