using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Manabi.Vectors;

/// <summary>
/// Reads an unsupervised fastText model (<c>.bin</c>, format versions 11 and 12, optionally gzip-compressed): its
/// arguments, dictionary and input matrix. Word vectors are computed as fastText's <c>getWordVector</c> does (the
/// mean of the word's row and its n-gram bucket rows, i.e. what its <c>.vec</c> output holds) and the bucket rows are
/// kept, so out-of-vocabulary words get fastText's own subword vectors. The output matrix is not needed and not read.
/// </summary>
internal static class FastTextModelReader
{
    /// <summary>The first four bytes of a fastText model file (little-endian int32 793712314).</summary>
    public const int Magic = 793712314;

    /// <summary>Whether the first bytes of a (decompressed) file are fastText's magic number.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> start) => start.Length >= 4 && BinaryPrimitives.ReadInt32LittleEndian(start) == Magic;

    public static SourceVectors Read(string path, Stream stream, Action<double> report)
    {
        var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            return Read(path, reader, report);
        }
        catch (EndOfStreamException e)
        {
            throw new VectorFormatException($"{path}: the fastText model is truncated.", e);
        }
        catch (InvalidDataException e)
        {
            throw new VectorFormatException($"{path}: corrupted gzip stream.", e);
        }
    }

    private static SourceVectors Read(string path, BinaryReader reader, Action<double> report)
    {
        int magic = reader.ReadInt32(), version = reader.ReadInt32();
        if (magic != Magic)
        {
            throw new VectorFormatException($"{path}: not a fastText model (bad magic {magic}); models older than fastText 0.2 are not supported.");
        }
        if (version is not (11 or 12))
        {
            throw new VectorFormatException($"{path}: fastText model format version {version}; versions 11 and 12 are supported.");
        }
        // Args::save: dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn, lrUpdateRate, t.
        int dims = reader.ReadInt32();
        for (int i = 0; i < 7; i++)
        {
            reader.ReadInt32();
        }
        int bucket = reader.ReadInt32(), minn = reader.ReadInt32(), maxn = reader.ReadInt32();
        reader.ReadInt32();
        reader.ReadDouble();
        if (dims <= 0 || bucket < 0 || minn < 0 || maxn < 0)
        {
            throw new VectorFormatException($"{path}: inconsistent fastText arguments (dim {dims}, bucket {bucket}, minn {minn}, maxn {maxn}).");
        }

        // Dictionary::save: size, nwords, nlabels, ntokens, pruneidx_size, entries (word\0, count, type), pruneidx pairs.
        int size = reader.ReadInt32(), words = reader.ReadInt32(), labels = reader.ReadInt32();
        reader.ReadInt64();
        long pruneIndexSize = reader.ReadInt64();
        if (labels > 0 || pruneIndexSize >= 0)
        {
            throw new VectorFormatException($"{path}: a supervised or pruned fastText model ({labels} labels); only unsupervised word-vector models are supported.");
        }
        if (size < 0 || words < 0 || words > size)
        {
            throw new VectorFormatException($"{path}: inconsistent fastText dictionary ({size} entries, {words} words).");
        }
        // The declared count is only a hint until the entries are read: a forged 754974720 reserved 6 GB up front,
        // a hang under fuzzing.
        var keys = new List<string>(Math.Min(words, 1 << 16));
        var bytes = new List<byte>(32);
        for (int i = 0; i < size; i++)
        {
            bytes.Clear();
            byte b;
            while ((b = reader.ReadByte()) != 0)
            {
                bytes.Add(b);
            }
            reader.ReadInt64();
            sbyte type = reader.ReadSByte();
            if (type == 0)
            {
                keys.Add(Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(bytes)));
            }
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int duplicates = keys.Count(k => !seen.Add(k));
        if (duplicates > 0)
        {
            throw new VectorFormatException($"{path}: the fastText dictionary holds {duplicates} duplicate words.");
        }
        report(0.05);

        if (reader.ReadBoolean())
        {
            throw new VectorFormatException($"{path}: a quantized fastText model (.ftz); convert the full .bin model instead.");
        }
        long rows = reader.ReadInt64(), columns = reader.ReadInt64();
        if (columns != dims || rows != (long)words + bucket)
        {
            throw new VectorFormatException($"{path}: the input matrix is {rows} x {columns}; {words} words + {bucket} buckets x {dims} were expected.");
        }
        if (rows * columns > Array.MaxLength)
        {
            throw new VectorFormatException($"{path}: the input matrix ({rows} x {columns}) is too large to convert in one process.");
        }
        if (reader.BaseStream.CanSeek && rows * columns * sizeof(float) > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            // An uncompressed file shows its size: refuse before allocating rows the file cannot hold.
            throw new VectorFormatException($"{path}: the fastText model is truncated (its {rows} x {columns} input matrix needs {rows * columns * sizeof(float)} bytes; {reader.BaseStream.Length - reader.BaseStream.Position} remain).");
        }
        var wordRows = new float[(long)words * dims];
        var bucketRows = new float[(long)bucket * dims];
        ReadFloats(reader, wordRows, report, 0.05, 0.2);
        ReadFloats(reader, bucketRows, report, 0.2, 0.9);

        var subwords = new FastTextSubwords(minn, maxn, bucket);
        var values = new float[(long)keys.Count * dims];
        Parallel.For(0, keys.Count, () => new List<int>(), (row, _, scratch) =>
        {
            subwords.Average(keys[row], row, wordRows, bucketRows, values.AsSpan(row * dims, dims), scratch);
            return scratch;
        }, _ => { });
        report(1);
        return new SourceVectors(keys, values, dims, 0)
        {
            Subwords = maxn > 0 && bucket > 0 ? new SubwordRows(subwords, bucketRows) : null,
        };
    }

    private static void ReadFloats(BinaryReader reader, float[] destination, Action<double> report, double from, double to)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("fastText models are read on little-endian machines only.");
        }
        Span<byte> all = MemoryMarshal.AsBytes(destination.AsSpan());
        const int chunk = 1 << 22;
        for (int at = 0; at < all.Length; at += chunk)
        {
            Span<byte> part = all.Slice(at, Math.Min(chunk, all.Length - at));
            reader.BaseStream.ReadExactly(part);
            report(from + (to - from) * (at + part.Length) / Math.Max(1, all.Length));
        }
    }
}
