using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Manabi.Text;

/// <summary>
/// Streams a file's lines as strict UTF-8 (<c>.gz</c> decompressed). Lines are split on bytes, not after
/// decoding, so an invalid byte is reported on its own line rather than somewhere in a decoded block.
/// A trailing <c>\r</c> and a leading byte-order mark are dropped; a final newline does not start a line.
/// </summary>
public sealed class Utf8LineReader : IDisposable
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly FileStream _file;
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _scanned;
    private int _end;
    private bool _endOfFile;

    /// <summary>Opens <paramref name="path"/>.</summary>
    /// <exception cref="TokenizerFormatException">The file does not exist or cannot be read (the message names it).</exception>
    public Utf8LineReader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Path = path;
        try
        {
            _file = File.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerFormatException($"cannot read the file: {ex.Message}", path, 0, ex);
        }
        _stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(_file, CompressionMode.Decompress) : _file;
    }

    /// <summary>The file being read.</summary>
    public string Path { get; }

    /// <summary>The 1-based number of the line last returned (0 before the first).</summary>
    public int LineNumber { get; private set; }

    /// <summary>How far into the (compressed) file reading has got, in bytes, for progress.</summary>
    public long Position => _file.Position;

    /// <summary>The file's (compressed) size in bytes.</summary>
    public long Length => _file.Length;

    /// <summary>Reads the next line's bytes (valid until the next call); false at the end of the file.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                int stop = _scanned + newline;
                line = Trim(_buffer.AsSpan(_start, stop - _start));
                _start = _scanned = stop + 1;
                return true;
            }
            _scanned = _end;
            if (_endOfFile)
            {
                if (_start < _end)
                {
                    line = Trim(_buffer.AsSpan(_start, _end - _start));
                    _start = _scanned = _end;
                    return true;
                }
                line = default;
                return false;
            }
            Fill();
        }
    }

    /// <summary>Reads and decodes the next line; null at the end of the file.</summary>
    /// <exception cref="TokenizerFormatException">The line is not valid UTF-8 (the message reads <c>FILE:LINE: …</c>).</exception>
    public string? ReadLine() => TryReadLine(out var bytes) ? Decode(bytes) : null;

    /// <summary>Decodes a line returned by <see cref="TryReadLine"/> strictly.</summary>
    /// <exception cref="TokenizerFormatException">The bytes are not valid UTF-8.</exception>
    public string Decode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new TokenizerFormatException(
                string.Create(CultureInfo.InvariantCulture, $"invalid UTF-8 (byte 0x{ex.BytesUnknown?.FirstOrDefault():X2} at byte {ex.Index + 1} of the line)"),
                Path, LineNumber, ex);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stream.Dispose();
        _file.Dispose();
    }

    private ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line)
    {
        LineNumber++;
        if (LineNumber == 1 && line.StartsWith("\uFEFF"u8))
        {
            line = line[3..];
        }
        return line.EndsWith("\r"u8) ? line[..^1] : line;
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _scanned -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        int read;
        try
        {
            read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        }
        catch (InvalidDataException ex)
        {
            throw new TokenizerFormatException($"not a valid gzip stream: {ex.Message}", Path, LineNumber + 1, ex);
        }
        if (read == 0)
        {
            _endOfFile = true;
        }
        _end += read;
    }
}
