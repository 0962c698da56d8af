#!/usr/bin/env python3
"""Set VER_FLG_WEAK (0x2) on one version requirement in an ELF64 .gnu.version_r section.

The dynamic loader refuses to start a library that requires a missing symbol version unless the
requirement is weak. Usage: elf_weaken_version.py LIB VERSION (for example GLIBCXX_3.4.32).
Exit 0 when the flag is set (or already was), 1 when the version is not required.
"""
import struct
import sys

VER_FLG_WEAK = 0x2


def main(path: str, version: str) -> int:
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise SystemExit(f"{path}: not a little-endian ELF64 file")
        e_shoff, = struct.unpack_from("<Q", data, 0x28)
        e_shentsize, e_shnum, e_shstrndx = struct.unpack_from("<HHH", data, 0x3A)
        sections = []
        for i in range(e_shnum):
            off = e_shoff + i * e_shentsize
            name, stype, _flags, _addr, offset, size, link = struct.unpack_from("<IIQQQQI", data, off)
            sections.append((name, stype, offset, size, link))
        SHT_GNU_VERNEED = 0x6FFFFFFE
        for _name, stype, offset, _size, link in sections:
            if stype != SHT_GNU_VERNEED:
                continue
            strtab = sections[link][2]

            def cstr(o: int) -> bytes:
                end = data.index(b"\0", strtab + o)
                return bytes(data[strtab + o:end])

            need = offset
            while True:
                _ver, cnt, _file, aux, nxt = struct.unpack_from("<HHIII", data, need)
                a = need + aux
                for _ in range(cnt):
                    _hash, flags, _other, vname, anext = struct.unpack_from("<IHHII", data, a)
                    if cstr(vname) == version.encode():
                        struct.pack_into("<H", data, a + 4, flags | VER_FLG_WEAK)
                        f.seek(0)
                        f.write(data)
                        return 0
                    if anext == 0:
                        break
                    a += anext
                if nxt == 0:
                    break
                need += nxt
        return 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: elf_weaken_version.py LIB VERSION")
    sys.exit(main(sys.argv[1], sys.argv[2]))
