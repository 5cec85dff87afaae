"""Executes notebooks headless on the .NET Interactive Jupyter kernel and writes the executed copies.

Usage: python3 run.py OUT_DIR NOTEBOOK...  (run by run.sh, which prepares the kernel specs).
Exits 1 when any cell fails; the executed copy (with the error) is written all the same.
"""
import json
import multiprocessing
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def drop_kernel_bootstrap(nb):
    """Removes the script the .NET kernel displays at its first cell to reach its live HTTP API: in a saved copy
    it can only probe for a kernel that is gone."""
    for cell in nb.cells:
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs
                            if "dotnet-interactive-this-cell" not in "".join(o.get("data", {}).get("text/html", ""))]


SLOTS = 2
_slot = None


def take_slot(slots):
    """Pool initializer: gives this worker a slot of its own (its kernels use that slot's kernel spec and ports)."""
    global _slot
    _slot = slots.get()


def execute(job):
    """Runs one notebook on its own kernel; returns (1 if a cell failed else 0, the report line)."""
    out_dir, path = job
    failed = 0
    if True:
        nb = nbformat.read(path, as_version=4)
        kernel = nb.metadata.get("kernelspec", {}).get("name", ".net-csharp") + f"-{_slot}"
        start = time.time()
        client = NotebookClient(nb, kernel_name=kernel, timeout=600, startup_timeout=180,
                                resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
        try:
            client.execute()
            status = "ok"
        except CellExecutionError as e:
            failed += 1
            status = "FAILED\n" + str(e)[:4000]
        drop_kernel_bootstrap(nb)
        out = os.path.join(out_dir, os.path.basename(path))
        nbformat.write(nb, out)
        seconds = time.time() - start
        return failed, f"{os.path.basename(path)}: {status} ({seconds:.1f} s) -> {out}", seconds


def main(out_dir, paths):
    os.makedirs(out_dir, exist_ok=True)
    # Longest first (by the last run's times, kept in out/; unknown ones first): the short ones then fill in at the
    # end instead of one long notebook running alone.
    timings_file = os.path.join(out_dir, "timings.json")
    try:
        with open(timings_file) as f:
            timings = json.load(f)
    except (OSError, ValueError):
        timings = {}
    paths = sorted(paths, key=lambda p: -timings.get(os.path.basename(p), float("inf")))
    # Each notebook has its own kernel process: running them side by side halves the wall time on two cores.
    slots = multiprocessing.Queue()
    for s in range(SLOTS):
        slots.put(s)
    with multiprocessing.Pool(min(len(paths), SLOTS) or 1, initializer=take_slot, initargs=(slots,)) as pool:
        results = pool.map(execute, [(out_dir, p) for p in paths], chunksize=1)
    for _, line, _ in results:
        print(line, flush=True)
    timings.update({os.path.basename(p): seconds for p, (_, _, seconds) in zip(paths, results)})
    with open(timings_file, "w") as f:
        json.dump(timings, f, indent=1, sort_keys=True)
    return 1 if any(f for f, _, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
