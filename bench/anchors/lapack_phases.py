#!/usr/bin/python3
"""Times the three phases of numpy.linalg.eigh's LAPACK path (dsytrd, dstedc, dormtr) on OpenBLAS, one by one.

numpy's eigh calls dsyevd, which runs exactly these three routines; calling them through ctypes on the same matrix
shows which phase Manabi's solver wins or loses (docs/BENCHMARKS.md, numerics). Usage: lapack_phases.py [n] [rounds]
"""
import ctypes
import sys
import time

import numpy as np

LAPACK = "/usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    try:
        lib = ctypes.CDLL(LAPACK)
    except OSError as error:
        sys.exit(f"{LAPACK}: {error}; install libopenblas0-pthread (bench/run-numerics.sh does)")
    x = np.random.default_rng(1).uniform(-1, 1, (n, n))
    matrix = np.asfortranarray(np.tril(x) + np.tril(x, -1).T)

    def pointer(array):
        return array.ctypes.data_as(ctypes.c_void_p)

    def integer(value):
        return ctypes.byref(ctypes.c_int(value))

    info = ctypes.c_int(0)
    rows = []
    for _ in range(rounds):
        time.sleep(0.4)  # OpenBLAS's idle workers spin for a while after a call
        a = matrix.copy(order="F")
        d, e, tau = np.zeros(n), np.zeros(n - 1), np.zeros(n - 1)
        work = np.zeros(64 * n)
        t0 = time.perf_counter()
        lib.dsytrd_(b"L", integer(n), pointer(a), integer(n), pointer(d), pointer(e), pointer(tau),
                    pointer(work), integer(work.size), ctypes.byref(info))
        t1 = time.perf_counter()
        z = np.zeros((n, n), order="F")
        dwork = np.zeros(1 + 4 * n + n * n)
        iwork = np.zeros(3 + 5 * n, dtype=np.int32)
        lib.dstedc_(b"I", integer(n), pointer(d), pointer(e), pointer(z), integer(n), pointer(dwork),
                    integer(dwork.size), pointer(iwork), integer(iwork.size), ctypes.byref(info))
        t2 = time.perf_counter()
        lib.dormtr_(b"L", b"L", b"N", integer(n), integer(n), pointer(a), integer(n), pointer(tau), pointer(z),
                    integer(n), pointer(work), integer(work.size), ctypes.byref(info))
        t3 = time.perf_counter()
        if info.value != 0:
            sys.exit(f"LAPACK returned info = {info.value}")
        time.sleep(0.4)
        t4 = time.perf_counter()
        np.linalg.eigh(matrix)
        t5 = time.perf_counter()
        rows.append((t1 - t0, t2 - t1, t3 - t2, t5 - t4))
    medians = np.median(np.array(rows) * 1000, axis=0)
    print("n=%d  dsytrd %.1f ms  dstedc %.1f ms  dormtr %.1f ms  |  numpy.linalg.eigh %.1f ms" % (n, *medians))


if __name__ == "__main__":
    main()
