#!/usr/bin/env bash
# Side-by-side: Manabi.Numerics vs scipy/numpy (Debian python3-scipy/python3-numpy) on identical data,
# in one run on this machine. Prints a Markdown table of ratios and saves it under bench/results/.
# numpy is given its best BLAS (OpenBLAS) when running as root; Debian's default reference LAPACK
# is about 8x slower on eigh and would flatter Manabi.
exec "$(dirname "${BASH_SOURCE[0]}")/run-compare.sh" numerics "python3-numpy python3-scipy python3-threadpoolctl libopenblas0-pthread" "$@"
