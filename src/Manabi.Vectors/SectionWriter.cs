using System.Runtime.InteropServices;

namespace Manabi.Vectors;

/// <summary>Writes the sections of a store to a stream, 64-byte aligned, hashing 1 MiB blocks as it goes.</summary>
internal sealed class SectionWriter(Stream stream, StoreHeader header)
{
    private readonly byte[] _block = new byte[SectionChecksum.BlockSize];
    private readonly List<ulong> _blockHashes = [];
    private int _filled;
    private long _sectionStart;
    private StoreSection _current;

    public void Begin(StoreSection section)
    {
        long pad = (StoreHeader.Alignment - stream.Position % StoreHeader.Alignment) % StoreHeader.Alignment;
        for (long i = 0; i < pad; i++)
        {
            stream.WriteByte(0);
        }
        _current = section;
        _sectionStart = stream.Position;
        _blockHashes.Clear();
        _filled = 0;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int n = Math.Min(data.Length, _block.Length - _filled);
            data[..n].CopyTo(_block.AsSpan(_filled));
            _filled += n;
            data = data[n..];
            if (_filled == _block.Length)
            {
                Flush();
            }
        }
    }

    public void Write<T>(ReadOnlySpan<T> values) where T : unmanaged => Write(MemoryMarshal.AsBytes(values));

    public void End()
    {
        if (_filled > 0)
        {
            Flush();
        }
        header.SectionOffsets[(int)_current] = _sectionStart;
        header.SectionLengths[(int)_current] = stream.Position - _sectionStart;
        header.SectionChecksums[(int)_current] = SectionChecksum.Combine(CollectionsMarshal.AsSpan(_blockHashes));
    }

    public void WriteSection<T>(StoreSection section, ReadOnlySpan<T> values) where T : unmanaged
    {
        Begin(section);
        Write(values);
        End();
    }

    private void Flush()
    {
        _blockHashes.Add(XxHash.Hash64(_block.AsSpan(0, _filled)));
        stream.Write(_block, 0, _filled);
        _filled = 0;
    }
}
