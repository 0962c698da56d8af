#!/usr/bin/env python3
"""Times the Python peers of Manabi.Numerics on data written by the .NET bench harness.

Usage: numerics_anchor.py TASK FILE ROWS COLS REPEATS [Q_FILE]
  TASK: entropy  -> scipy.stats.entropy(P, axis=1)
        kl       -> scipy.stats.entropy(P, Q, axis=1)
        eigh     -> numpy.linalg.eigh(A)             (A is ROWS x COLS, symmetric)
FILE holds ROWS*COLS little-endian float64 values, row-major.
Prints one JSON line: {"task", "median_s", "min_s", "repeats", "versions", "blas", "checksum"}.

Usage: numerics_anchor.py eigh-serve FILE N
  Interleaved timing: after a warm-up, each line "run" on stdin times one numpy.linalg.eigh(A) and prints its
  seconds; "quit" prints the JSON line above (median over the runs) and exits. The .NET harness alternates
  these with its own runs, so that drift in the host's speed hits both sides alike.
"""
import json
import statistics
import sys
import time

import numpy as np
import scipy
import scipy.stats


def blas_description() -> str:
    try:
        import threadpoolctl
        info = threadpoolctl.threadpool_info()
        return ", ".join(f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}, {i['num_threads']} threads)" for i in info) or "reference BLAS/LAPACK"
    except ImportError:
        return "unknown"


def report(task: str, times: list, result) -> None:
    checksum = float(np.sum(result[0] if isinstance(result, tuple) else result))
    print(json.dumps({
        "task": task, "median_s": statistics.median(times), "min_s": min(times), "repeats": len(times),
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "python": sys.version.split()[0]},
        "blas": blas_description(), "checksum": checksum,
    }), flush=True)


def serve_eigh(path: str, n: int) -> None:
    a = np.fromfile(path, dtype="<f8").reshape(n, n)
    result = np.linalg.eigh(a)  # warm-up
    times = []
    for line in sys.stdin:
        if line.strip() == "quit":
            break
        start = time.perf_counter()
        result = np.linalg.eigh(a)
        times.append(time.perf_counter() - start)
        print(times[-1], flush=True)
    report("eigh", times, result)


def main() -> None:
    if sys.argv[1] == "eigh-serve":
        serve_eigh(sys.argv[2], int(sys.argv[3]))
        return
    task, path, rows, cols, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    a = np.fromfile(path, dtype="<f8").reshape(rows, cols)
    q = np.fromfile(sys.argv[6], dtype="<f8").reshape(rows, cols) if len(sys.argv) > 6 else None
    if task == "entropy":
        run = lambda: scipy.stats.entropy(a, axis=1)
    elif task == "kl":
        run = lambda: scipy.stats.entropy(a, q, axis=1)
    elif task == "eigh":
        run = lambda: np.linalg.eigh(a)
    else:
        raise SystemExit(f"unknown task {task!r}")
    result = run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    report(task, times, result)

if __name__ == "__main__":
    main()
