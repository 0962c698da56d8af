using System.IO.Hashing;

namespace Manabi.VectorData;

/// <summary>
/// A stream that passes bytes through to another in one direction and hashes them (XXH3, 64 bits) on the way, so a
/// snapshot can end with the checksum of everything before it and a reader can tell a damaged file from a good one.
/// </summary>
internal sealed class ChecksumStream(Stream inner, bool writing) : Stream
{
    private readonly XxHash3 _hash = new();

    /// <summary>The hash of the bytes passed through so far.</summary>
    public ulong Checksum => _hash.GetCurrentHashAsUInt64();

    public override bool CanRead => !writing;

    public override bool CanSeek => false;

    public override bool CanWrite => writing;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => throw new NotSupportedException();
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        _hash.Append(buffer[..read]);
        return read;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.Append(buffer);
        inner.Write(buffer);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
