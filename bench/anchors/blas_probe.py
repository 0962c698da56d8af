"""Which BLAS a peer really runs on: the library loaded (Debian picks it through alternatives, whatever the build
names) and, for OpenBLAS, the kernel set it chose (bench/peer-blas.sh explains why that matters)."""
import ctypes


def loaded_blas() -> str:
    """'OpenBLAS SkylakeX', 'OpenBLAS Prescott', ... or 'reference' when no OpenBLAS is mapped into this process."""
    with open("/proc/self/maps") as maps:
        paths = sorted({line.split()[-1] for line in maps if "openblas" in line and line.split()[-1].startswith("/")})
    for path in paths:
        try:
            corename = ctypes.CDLL(path).openblas_get_corename
        except (OSError, AttributeError):
            continue
        corename.restype = ctypes.c_char_p
        return "OpenBLAS " + corename().decode()
    return "reference"
