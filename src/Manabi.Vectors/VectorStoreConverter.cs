using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text;

namespace Manabi.Vectors;

/// <summary>Converts word2vec/GloVe/fastText files to the memory-mapped store format read by <see cref="VectorStore"/>.</summary>
public static class VectorStoreConverter
{
    /// <summary>
    /// Reads <paramref name="inputPath"/>, normalizes, indexes and writes <paramref name="outputPath"/> through a
    /// temporary file renamed at the end, so a failure never leaves partial output.
    /// </summary>
    /// <exception cref="VectorFormatException">The input is malformed; the message names the file and line.</exception>
    public static ConvertResult Convert(string inputPath, string outputPath, VectorConvertOptions? options = null, IProgress<ConvertProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(inputPath);
        ArgumentNullException.ThrowIfNull(outputPath);
        options ??= new VectorConvertOptions();
        var clock = Stopwatch.StartNew();
        SourceVectors source = SourceReader.Read(inputPath, options.Format, progress);
        return Write(source, outputPath, options, progress, clock);
    }

    /// <summary>Writes a store from keys and row-major vectors held in memory (duplicates are an error here).</summary>
    public static ConvertResult Write(IReadOnlyList<string> keys, ReadOnlySpan<float> vectors, int dimensions, string outputPath, VectorConvertOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        if (vectors.Length != (long)keys.Count * dimensions)
        {
            throw new ArgumentException($"{keys.Count} keys x {dimensions} dimensions need {keys.Count * (long)dimensions} values; got {vectors.Length}.", nameof(vectors));
        }
        if (keys.Distinct(StringComparer.Ordinal).Count() != keys.Count)
        {
            throw new ArgumentException("keys must be distinct.", nameof(keys));
        }
        var source = new SourceVectors([.. keys], vectors.ToArray(), dimensions, 0);
        return Write(source, outputPath, options ?? new VectorConvertOptions(), null, Stopwatch.StartNew());
    }

    /// <summary>
    /// <see cref="Write(IReadOnlyList{string}, ReadOnlySpan{float}, int, string, VectorConvertOptions?)"/> for callers
    /// that already hold distinct keys and a row-major array they give up: the array is normalized in place, which
    /// saves a copy of every vector (the embedding index builds from hundreds of megabytes).
    /// </summary>
    internal static ConvertResult WriteOwned(List<string> keys, float[] values, int dimensions, string outputPath, VectorConvertOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        if (values.Length != (long)keys.Count * dimensions)
        {
            throw new ArgumentException($"{keys.Count} keys x {dimensions} dimensions need {keys.Count * (long)dimensions} values; got {values.Length}.", nameof(values));
        }
        return Write(new SourceVectors(keys, values, dimensions, 0), outputPath, options, null, Stopwatch.StartNew());
    }

    private static ConvertResult Write(SourceVectors source, string outputPath, VectorConvertOptions options, IProgress<ConvertProgress>? progress, Stopwatch clock)
    {
        int count = source.Count, dims = source.Dimensions;
        float[] values = source.Values;
        var norms = new float[count];
        Parallel.For(0, count, row =>
        {
            Span<float> v = values.AsSpan(row * dims, dims);
            float norm = TensorPrimitives.Norm(v);
            norms[row] = norm;
            if (norm > 0)
            {
                TensorPrimitives.Divide(v, norm, v);
            }
        });
        progress?.Report(new ConvertProgress("normalizing", 1));

        var header = new StoreHeader
        {
            Count = count,
            Dimensions = dims,
            DType = options.DType,
            RowStride = StoreHeader.StrideFor(dims, options.DType),
        };
        string? directory = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        string temp = outputPath + ".tmp-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId;
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                stream.Write(new byte[StoreHeader.Size]);
                var writer = new SectionWriter(stream, header);
                WriteKeys(writer, source.Keys);
                progress?.Report(new ConvertProgress("writing", 0.1));
                WriteVectors(writer, values, count, dims, options.DType, header.RowStride);
                writer.WriteSection<float>(StoreSection.Norms, norms);
                if (options.BuildScreeningCopy && options.DType == VectorDType.Float32)
                {
                    header.Flags |= StoreFlags.Screening;
                    ScreeningCopy.Write(writer, values, count, dims);
                }
                progress?.Report(new ConvertProgress("writing", 0.5));
                if (source.Subwords is { } subwords)
                {
                    header.Flags |= StoreFlags.SubwordVectors;
                    header.SubwordMinN = subwords.Subwords.MinN;
                    header.SubwordMaxN = subwords.Subwords.MaxN;
                    header.SubwordBuckets = subwords.Subwords.Buckets;
                    writer.WriteSection<float>(StoreSection.SubwordVectors, subwords.Rows);
                }
                if (options.BuildNgramIndex)
                {
                    header.Flags |= StoreFlags.NgramIndex;
                    (ulong[] hashes, long[] starts, int[] postings) = NgramIndexBuilder.Build(source.Keys, header.NgramMin, header.NgramMax, progress);
                    writer.WriteSection<ulong>(StoreSection.NgramHashes, hashes);
                    writer.WriteSection<long>(StoreSection.NgramStarts, starts);
                    writer.WriteSection<int>(StoreSection.NgramPostings, postings);
                }
                if (options.BuildApproximateIndex)
                {
                    header.Flags |= StoreFlags.Hnsw;
                    var hnsw = new HnswBuilder(values, dims, options.HnswM, options.HnswEfConstruction);
                    hnsw.Build(progress);
                    header.HnswM = hnsw.M;
                    header.HnswM0 = hnsw.M0;
                    header.HnswEntry = hnsw.Entry;
                    header.HnswMaxLevel = hnsw.MaxLevel;
                    header.HnswEfConstruction = options.HnswEfConstruction;
                    writer.WriteSection<byte>(StoreSection.HnswLevels, hnsw.Levels);
                    writer.WriteSection<int>(StoreSection.HnswLayer0, hnsw.Layer0Links());
                    (long[] offsets, int[] links) = hnsw.UpperLinks();
                    writer.WriteSection<long>(StoreSection.HnswUpperOffsets, offsets);
                    writer.WriteSection<int>(StoreSection.HnswUpper, links);
                }
                stream.Position = 0;
                stream.Write(header.ToBytes());
                stream.Flush(flushToDisk: false);
            }
            File.Move(temp, outputPath, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
        progress?.Report(new ConvertProgress("writing", 1));
        return new ConvertResult(Path.GetFullPath(outputPath), count, dims, source.DuplicatesDropped, new FileInfo(outputPath).Length, clock.Elapsed);
    }

    private static void WriteKeys(SectionWriter writer, List<string> keys)
    {
        var offsets = new long[keys.Count + 1];
        var bytes = new List<byte[]>(keys.Count);
        long at = 0;
        for (int i = 0; i < keys.Count; i++)
        {
            byte[] b = Encoding.UTF8.GetBytes(keys[i]);
            bytes.Add(b);
            offsets[i] = at;
            at += b.Length;
        }
        offsets[keys.Count] = at;
        writer.WriteSection<long>(StoreSection.KeyOffsets, offsets);
        writer.Begin(StoreSection.KeyBytes);
        foreach (byte[] b in bytes)
        {
            writer.Write(b);
        }
        writer.End();
        writer.WriteSection<int>(StoreSection.KeyTable, KeyTable.Build(keys, null));
        writer.WriteSection<int>(StoreSection.LowerKeyTable, KeyTable.Build(keys, k => k.ToLowerInvariant()));
    }

    private static void WriteVectors(SectionWriter writer, float[] values, int count, int dims, VectorDType dtype, int stride)
    {
        var row = new byte[stride];
        var scales = dtype == VectorDType.Int8 ? new float[count] : null;
        writer.Begin(StoreSection.Vectors);
        for (int r = 0; r < count; r++)
        {
            ReadOnlySpan<float> v = values.AsSpan(r * dims, dims);
            switch (dtype)
            {
                case VectorDType.Float32:
                    System.Runtime.InteropServices.MemoryMarshal.AsBytes(v).CopyTo(row);
                    break;
                case VectorDType.Float16:
                    TensorPrimitives.ConvertToHalf(v, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(row.AsSpan(0, dims * 2)));
                    break;
                default:
                    (float scale, _) = Int8Kernels.Quantize(v, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(row.AsSpan(0, dims)));
                    // A zero vector keeps scale 1 in the file, as stores have always recorded it.
                    scales![r] = scale > 0 ? scale : 1f;
                    break;
            }
            writer.Write(row);
        }
        writer.End();
        if (scales is not null)
        {
            writer.WriteSection<float>(StoreSection.Scales, scales);
        }
    }
}
