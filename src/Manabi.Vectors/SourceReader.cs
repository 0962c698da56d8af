using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace Manabi.Vectors;

/// <summary>Reads word2vec text/binary, GloVe and fastText .vec files, optionally gzip-compressed.</summary>
internal static class SourceReader
{
    public static SourceVectors Read(string path, VectorFileFormat format, IProgress<ConvertProgress>? progress)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Vector file not found: {path}", path);
        }
        long fileLength = new FileInfo(path).Length;
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        bool gzip = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        using Stream stream = gzip ? new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 20) : file;
        if (format == VectorFileFormat.Auto && StartsWithFastTextMagic(path, gzip))
        {
            format = VectorFileFormat.FastTextBinary;
        }
        if (format == VectorFileFormat.Auto)
        {
            string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
            format = name.EndsWith(".bin", StringComparison.OrdinalIgnoreCase) ? VectorFileFormat.Word2VecBinary : VectorFileFormat.Word2Vec;
        }
        void Report(double done) => progress?.Report(new ConvertProgress("reading", Math.Min(1, done)));
        return format switch
        {
            VectorFileFormat.Word2VecBinary => ReadBinary(path, stream, file, fileLength, Report),
            VectorFileFormat.FastTextBinary => FastTextModelReader.Read(path, stream, Report),
            _ => ReadText(path, stream, file, fileLength, format, Report),
        };
    }

    /// <summary>Reads the first four (decompressed) bytes through a second handle, leaving the main stream untouched.</summary>
    private static bool StartsWithFastTextMagic(string path, bool gzip)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        Span<byte> start = stackalloc byte[4];
        try
        {
            return stream.ReadAtLeast(start, 4, throwOnEndOfStream: false) == 4 && FastTextModelReader.HasMagic(start);
        }
        catch (InvalidDataException)
        {
            return false; // a broken gzip stream is reported by the reader that follows
        }
    }

    private static SourceVectors ReadText(string path, Stream stream, FileStream file, long fileLength, VectorFileFormat format, Action<double> report)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(false, true), false, 1 << 16);
        var keys = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var values = new List<float>();
        int dims = -1, duplicates = 0;
        long declared = -1, line = 0;
        string? text;
        var parts = new List<Range>();
        while ((text = ReadLine(reader, path, line + 1)) is not null)
        {
            line++;
            ReadOnlySpan<char> span = text.AsSpan().TrimEnd();
            if (span.IsEmpty)
            {
                continue;
            }
            parts.Clear();
            foreach (Range r in span.SplitAny(' ', '\t'))
            {
                if (r.GetOffsetAndLength(span.Length).Length > 0)
                {
                    parts.Add(r);
                }
            }
            // A "count dimensions" first line is a word2vec/fastText header; GloVe files start with a vector.
            if (line == 1 && format != VectorFileFormat.Glove && parts.Count == 2
                && long.TryParse(span[parts[0]], NumberStyles.None, CultureInfo.InvariantCulture, out long c)
                && int.TryParse(span[parts[1]], NumberStyles.None, CultureInfo.InvariantCulture, out int d))
            {
                if (d <= 0)
                {
                    throw new VectorFormatException(path, line, $"header declares {d} dimensions.");
                }
                declared = c;
                dims = d;
                // A hint only, so it is capped by what the file could hold (two characters a value): a lying count
                // of 2^63 overflowed c * d into a negative capacity (an ArgumentOutOfRangeException).
                long fits = ReferenceEquals(stream, file) ? fileLength / 2 : int.MaxValue;
                values.Capacity = (int)Math.Min(Math.Min(int.MaxValue / 2, fits), c > int.MaxValue / d ? int.MaxValue : c * d);
                continue;
            }
            if (parts.Count < 2)
            {
                throw new VectorFormatException(path, line, "expected a key followed by vector values.");
            }
            int found = parts.Count - 1;
            if (dims < 0)
            {
                dims = found;
            }
            else if (found != dims)
            {
                throw new VectorFormatException(path, line, $"ragged dimensions: expected {dims} values, found {found}.");
            }
            string key = span[parts[0]].ToString();
            if (!seen.Add(key))
            {
                duplicates++;
                continue;
            }
            keys.Add(key);
            for (int i = 1; i < parts.Count; i++)
            {
                if (!float.TryParse(span[parts[i]], NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                {
                    throw new VectorFormatException(path, line, $"value {i} ('{span[parts[i]]}') is not a finite number.");
                }
                values.Add(v);
            }
            if ((line & 0x3FFF) == 0)
            {
                report((double)file.Position / fileLength);
            }
        }
        if (keys.Count == 0)
        {
            throw new VectorFormatException($"{path}: no vectors found.");
        }
        if (declared >= 0 && keys.Count + duplicates != declared)
        {
            throw new VectorFormatException(path, line,
                $"the header declares {declared} vectors but the file holds {keys.Count + duplicates} (truncated or wrong header).");
        }
        report(1);
        return new SourceVectors(keys, values.ToArray(), dims, duplicates);
    }

    /// <summary>The 1-based number of the first line of <paramref name="path"/> that is not valid UTF-8, or null (a broken gzip stream, say).</summary>
    private static long? FirstInvalidUtf8Line(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            var line = new List<byte>();
            long number = 1;
            var buffer = new byte[1 << 16];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                foreach (byte b in buffer.AsSpan(0, read))
                {
                    if (b != (byte)'\n')
                    {
                        line.Add(b);
                        continue;
                    }
                    if (!System.Text.Unicode.Utf8.IsValid(CollectionsMarshal.AsSpan(line)))
                    {
                        return number;
                    }
                    line.Clear();
                    number++;
                }
            }
            return System.Text.Unicode.Utf8.IsValid(CollectionsMarshal.AsSpan(line)) ? null : number;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            return null;
        }
    }

    private static string? ReadLine(StreamReader reader, string path, long line)
    {
        try
        {
            return reader.ReadLine();
        }
        catch (DecoderFallbackException e)
        {
            // The reader decodes a buffer ahead of the line it returns, so the failing line is found again by bytes.
            long bad = FirstInvalidUtf8Line(path) ?? line;
            throw new VectorFormatException($"{path}:{bad}: invalid UTF-8 (is this a binary file? use the word2vec-binary format).", e);
        }
        catch (InvalidDataException e)
        {
            throw new VectorFormatException($"{path}:{line}: corrupted gzip stream.", e);
        }
    }

    private static SourceVectors ReadBinary(string path, Stream stream, FileStream file, long fileLength, Action<double> report)
    {
        var header = new StringBuilder();
        int b;
        while ((b = stream.ReadByte()) >= 0 && b != '\n')
        {
            header.Append((char)b);
        }
        string[] hp = header.ToString().Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (hp.Length != 2 || !int.TryParse(hp[0], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            || !int.TryParse(hp[1], NumberStyles.None, CultureInfo.InvariantCulture, out int dims) || dims <= 0)
        {
            throw new VectorFormatException(path, 1, $"expected a word2vec binary header 'count dimensions', found '{Truncate(header.ToString())}'.");
        }
        // Checked before allocating: each record takes at least a space and dims float32s, and DEFLATE expands at most
        // 1032:1, so a header that claims more records than the file can hold is refused instead of allocating (or
        // overflowing) count x dims floats, a List of count keys and a row of dims x 4 bytes.
        long recordBytes = dims * 4L + 1;
        long capacity = ReferenceEquals(stream, file) ? fileLength : fileLength * 1032;
        if (dims > Array.MaxLength / 4 || (long)count * dims > Array.MaxLength || count > capacity / recordBytes)
        {
            throw new VectorFormatException(path, 1,
                $"the header declares {count} records of {dims} float32 values, more than the {fileLength}-byte file can hold (truncated, or a wrong header).");
        }
        var keys = new List<string>(Math.Min(count, 1 << 20));
        var seen = new HashSet<string>(Math.Min(count, 1 << 20), StringComparer.Ordinal);
        var values = new float[(long)count * dims];
        var keyBytes = new List<byte>(64);
        var row = new byte[dims * 4];
        int stored = 0, duplicates = 0;
        var utf8 = new UTF8Encoding(false, true);
        // A text file read as binary can pass every other check (its header parses, each "row" is just the next bytes);
        // rows that are all number text, or bytes left over after the declared records, give it away.
        bool rowsLookLikeText = true;
        string? firstKey = null;
        for (int record = 1; record <= count; record++)
        {
            keyBytes.Clear();
            while ((b = stream.ReadByte()) >= 0 && b != ' ')
            {
                if (b != '\n' || keyBytes.Count > 0)
                {
                    keyBytes.Add((byte)b);
                }
            }
            if (b < 0 || stream.ReadAtLeast(row, row.Length, throwOnEndOfStream: false) != row.Length)
            {
                throw new VectorFormatException(path, record, $"the file ends inside record {record} of {count} (truncated).");
            }
            string key;
            try
            {
                key = utf8.GetString(keyBytes.ToArray());
            }
            catch (DecoderFallbackException e)
            {
                throw new VectorFormatException($"{path}: record {record}: the key is not valid UTF-8.", e);
            }
            firstKey ??= key;
            rowsLookLikeText = rowsLookLikeText && IsNumberText(row);
            if (!seen.Add(key))
            {
                duplicates++;
                continue;
            }
            Span<float> dest = values.AsSpan(stored * dims, dims);
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(row).CopyTo(dest);
            foreach (float v in dest)
            {
                if (!float.IsFinite(v))
                {
                    throw new VectorFormatException(path, record, $"record {record} ('{key}') holds a value that is not finite.");
                }
            }
            keys.Add(key);
            stored++;
            if ((record & 0x3FFF) == 0)
            {
                report((double)file.Position / fileLength);
            }
        }
        if (count > 0 && rowsLookLikeText)
        {
            throw new VectorFormatException(path, 1,
                $"record 1 ('{firstKey}'): where {dims} float32 values ({dims * 4} bytes) should be, every record holds number text; " +
                "this is a word2vec text file, not a binary one (read it with the word2vec text format).");
        }
        long extra = CountTrailingData(stream);
        if (extra > 0)
        {
            throw new VectorFormatException(path, count + 1L,
                $"{extra} more bytes follow the {count} records of {dims} float32 values the header declares: the records are not " +
                "laid out as word2vec binary (a text file, or a wrong header).");
        }
        report(1);
        if (duplicates > 0)
        {
            Array.Resize(ref values, stored * dims);
        }
        return new SourceVectors(keys, values, dims, duplicates);
    }

    /// <summary>Whether every byte is one that decimal number text is made of (digits, sign, point, exponent, spaces).</summary>
    private static bool IsNumberText(byte[] bytes)
    {
        foreach (byte b in bytes)
        {
            if (!(b is (>= (byte)'0' and <= (byte)'9') or (byte)'.' or (byte)'-' or (byte)'+' or (byte)'e' or (byte)'E'
                or (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Reads the stream to its end and counts the bytes that are not whitespace: word2vec's own writer ends each record
    /// with a newline, so a well-formed file leaves at most that.
    /// </summary>
    private static long CountTrailingData(Stream stream)
    {
        var buffer = new byte[1 << 16];
        long extra = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            foreach (byte b in buffer.AsSpan(0, read))
            {
                extra += b is (byte)'\n' or (byte)'\r' or (byte)' ' or (byte)'\t' ? 0 : 1;
            }
        }
        return extra;
    }

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "..." : s;
}
