# Sourced by the bench scripts that run Python peers on OpenBLAS (numpy, scipy, Debian's PyTorch).
# Debian 12's OpenBLAS 0.3.21 chooses its kernels by CPU model, and on a model it does not know it falls back to
# Prescott (SSE3) kernels: on the VM where this was found (family 6, model 207) sgemm ran at 87 GFLOPS against 403
# with OPENBLAS_CORETYPE=SkylakeX, which made a peer's matrix products 4-5x slower than the CPU allows. So unless the
# caller chose a core type, name the best one the CPU's flags support; every peer then runs the kernels a correctly
# detected OpenBLAS would. Manabi's side does not use OpenBLAS (libtorch brings MKL/oneDNN; the rest is managed).
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r /proc/cpuinfo ]; then
  peer_flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
  has() { case "$peer_flags" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
  if has avx512f && has avx512bw && has avx512vl && has avx512dq; then
    export OPENBLAS_CORETYPE=SkylakeX
  elif has avx2 && has fma; then
    export OPENBLAS_CORETYPE=Haswell
  fi
  unset -f has
  unset peer_flags
fi
