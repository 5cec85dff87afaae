"""Vectors for Fluxion.Compat.NumPy: convolve, digitize, bincount, linspace, arange, sum/mean, argsort.

Usage: /usr/bin/python3 gen_compat_numpy.py OUT.json   (numpy 1.24)

Doubles are stored as 16-hex-digit IEEE bit patterns for bit-for-bit comparison.
"""
import json
import struct
import sys

import numpy as np


def hx(v):
    return struct.pack(">d", float(v)).hex()


def flo(a):
    return [hx(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def main(out_path):
    rs = np.random.RandomState(1234)
    doc = dict(numpy=np.__version__)

    conv = []
    # the course's sizes: 256-sample signals with short averaging kernels, 128-sample curves with Gaussian
    # kernels, and kernels on both sides of the 11-tap switch inside numpy
    for n, m in [(256, 5), (256, 3), (128, 7), (128, 11), (128, 12), (128, 13), (128, 21), (256, 31),
                 (100, 64), (10, 10), (9, 10), (3, 40), (1, 1), (1, 5), (2, 2), (50, 1), (1000, 101)]:
        for mode in ["full", "valid", "same"]:
            a = rs.normal(0.0, 1.0, n)
            v = rs.uniform(-1.0, 1.0, m)
            conv.append(dict(a=flo(a), v=flo(v), mode=mode, out=flo(np.convolve(a, v, mode=mode))))
    ones = np.ones(5) / 5
    x = np.sin(2 * np.pi * 3 * np.linspace(0, 1, 256)) + rs.normal(0.0, 0.5, 256)
    conv.append(dict(a=flo(x), v=flo(ones), mode="same", out=flo(np.convolve(x, ones, mode="same"))))
    zs = np.array([0.0, -0.0, 1.0, -1.0, 0.0])
    conv.append(dict(a=flo(zs), v=flo([-0.0, 2.0]), mode="full", out=flo(np.convolve(zs, [-0.0, 2.0]))))
    doc["convolve"] = conv

    dig = []
    inc = np.array([0.0, 1.0, 2.5, 4.0, 8.0, 13.0])
    xs = np.array([-1.0, 0.0, 0.5, 1.0, 2.5, 3.0, 4.0, 8.0, 12.99, 13.0, 20.0, np.inf, -np.inf, np.nan])
    for bins in [inc, inc[::-1].copy(), np.array([1.0, 1.0, 2.0, 2.0, 3.0]), np.array([3.0, 2.0, 2.0, 1.0]),
                 np.array([5.0]), np.array([]), np.array([2.0, 2.0]), np.array([1.0, 2.0, np.inf])]:
        for right in [False, True]:
            dig.append(dict(x=flo(xs), bins=flo(bins), right=right, out=[int(v) for v in np.digitize(xs, bins, right=right)]))
    freqs = rs.uniform(1, 13, 200)
    edges = np.array([1, 3, 5, 7, 9, 11, 13], dtype=float)
    dig.append(dict(x=flo(freqs), bins=flo(edges), right=False, out=[int(v) for v in np.digitize(freqs, edges)]))
    doc["digitize"] = dig

    bc = []
    for xv, ml in [([0, 1, 1, 3, 2, 1, 7], 0), ([], 0), ([], 4), ([2, 2], 6), ([0], 1), (list(rs.randint(0, 6, 100)), 6)]:
        bc.append(dict(x=[int(v) for v in xv], minlength=ml, out=[int(v) for v in np.bincount(np.asarray(xv, dtype=np.int64), minlength=ml)]))
    doc["bincount"] = bc

    lin = []
    for a, b, num, ep in [(0, 1, 256, True), (0, 1, 128, True), (0, 3.2 * np.pi, 300, True), (0.001, 0.999, 400, True),
                          (0, 1, 1, True), (0, 1, 0, True), (0, 1, 10, False), (1, 0, 7, True), (-3, 5, 13, True),
                          (0, 1e-320, 5, True), (-2.5, 3.5, 300, True), (2, 2, 4, True), (0, 1, 1, False)]:
        lin.append(dict(start=a, stop=b, num=num, endpoint=ep, out=flo(np.linspace(a, b, num, endpoint=ep))))
    doc["linspace"] = lin

    ar = []
    for a, b, s in [(0.0, 10.0, 1.0), (0.0, 1.0, 0.1), (-1.0, 1.0, 0.3), (5.0, 0.0, -0.7), (0.0, 128.0, 1.0),
                    (1.0, 1.0, 1.0), (0.1, 2.0, 0.1), (-4.0, 4.0, 1.0), (0.0, 0.95, 0.05)]:
        ar.append(dict(start=a, stop=b, step=s, out=flo(np.arange(a, b, s))))
    doc["arange"] = ar

    sums = []
    for n in [0, 1, 2, 5, 7, 8, 9, 15, 16, 17, 100, 127, 128, 129, 200, 255, 256, 257, 300, 1000, 2049]:
        a = rs.normal(0.0, 1.0, n) * 10.0 ** rs.randint(-3, 4, n)
        sums.append(dict(a=flo(a), sum=hx(np.sum(a)), mean=hx(np.mean(a)) if n else None))
    sums.append(dict(a=flo([-0.0, -0.0]), sum=hx(np.sum(np.array([-0.0, -0.0]))), mean=hx(np.mean(np.array([-0.0, -0.0])))))
    doc["sum"] = sums

    srt = []
    for n in [0, 1, 2, 5, 16, 17, 18, 30, 64, 100, 200, 1000]:
        for levels in [2, 3, 10, None]:
            v = rs.randint(0, levels, n).astype(float) if levels else rs.normal(0.0, 1.0, n)
            srt.append(dict(v=flo(v), out=[int(i) for i in np.argsort(v)]))
    v = rs.randint(0, 3, 50).astype(float)
    v[[3, 17, 40]] = np.nan
    srt.append(dict(v=flo(v), out=[int(i) for i in np.argsort(v)]))
    doc["argsort"] = srt

    with open(out_path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1])
