using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Manabi.Vectors.Search;

/// <summary>
/// An embedded on-disk index of a corpus: unit-length float32 embeddings in one file that is memory-mapped and
/// searched by SIMD brute force (cosine = dot product of unit vectors), the texts beside it, and a manifest with a
/// fingerprint (of the corpus and model) that tells whether the index can be reused. Built once, then queried.
/// </summary>
public sealed unsafe class EmbeddingIndex : IDisposable
{
    private const string VectorsFile = "vectors.f32";
    private const string TextsFile = "texts.jsonl";
    private const string ManifestFile = "manifest.json";
    private static readonly byte[] Magic = "MNBIDX01"u8.ToArray();
    private const int HeaderBytes = 16;
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly string[] _texts;

    private EmbeddingIndex(string folder, MemoryMappedFile file, MemoryMappedViewAccessor view, int count, int dimension, string[] texts, string fingerprint)
    {
        Folder = folder;
        _file = file;
        _view = view;
        Count = count;
        Dimension = dimension;
        _texts = texts;
        Fingerprint = fingerprint;
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + _view.PointerOffset;
    }

    /// <summary>The index folder.</summary>
    public string Folder { get; }

    /// <summary>Number of entries.</summary>
    public int Count { get; }

    /// <summary>Width of each embedding.</summary>
    public int Dimension { get; }

    /// <summary>What the index was built from (e.g. a hash of the corpus and the model).</summary>
    public string Fingerprint { get; }

    /// <summary>Entry <paramref name="id"/>'s text.</summary>
    public string Text(int id) => _texts[id];

    /// <summary>Entry <paramref name="id"/>'s unit-length embedding, read from the mapped file.</summary>
    public ReadOnlySpan<float> Vector(int id)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)id, (uint)Count, nameof(id));
        return new ReadOnlySpan<float>(_base + HeaderBytes + (long)id * Dimension * sizeof(float), Dimension);
    }

    /// <summary>Writes an index (to a temporary folder, renamed into place); embeddings are scaled to unit length.</summary>
    public static void Build(string folder, IReadOnlyList<string> texts, IReadOnlyList<float[]> embeddings, string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(embeddings);
        if (texts.Count != embeddings.Count)
        {
            throw new ArgumentException($"{texts.Count} texts but {embeddings.Count} embeddings", nameof(embeddings));
        }
        int dimension = embeddings.Count == 0 ? 0 : embeddings[0].Length;
        string target = Path.GetFullPath(folder).TrimEnd('/');
        string temp = target + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(temp);
        try
        {
            using (var stream = new FileStream(Path.Combine(temp, VectorsFile), FileMode.CreateNew))
            {
                var header = new byte[HeaderBytes];
                Magic.CopyTo(header, 0);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), embeddings.Count);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), dimension);
                stream.Write(header);
                var unit = new float[dimension];
                foreach (float[] e in embeddings)
                {
                    if (e.Length != dimension)
                    {
                        throw new ArgumentException("embeddings differ in width", nameof(embeddings));
                    }
                    float norm = TensorPrimitives.Norm(e);
                    TensorPrimitives.Divide(e, Math.Max(norm, 1e-12f), unit);
                    stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(unit.AsSpan()));
                }
            }
            using (var writer = new StreamWriter(Path.Combine(temp, TextsFile), false, new UTF8Encoding(false)))
            {
                foreach (string text in texts)
                {
                    writer.WriteLine(JsonSerializer.Serialize(text));
                }
            }
            File.WriteAllText(Path.Combine(temp, ManifestFile), new JsonObject
            {
                ["format"] = "manabi-embedding-index/1",
                ["count"] = embeddings.Count,
                ["dimension"] = dimension,
                ["fingerprint"] = fingerprint,
            }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            if (Directory.Exists(target))
            {
                string old = target + ".old-" + Guid.NewGuid().ToString("N")[..8];
                Directory.Move(target, old);
                Directory.Move(temp, target);
                Directory.Delete(old, recursive: true);
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                Directory.Move(temp, target);
            }
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
            throw;
        }
    }

    /// <summary>The fingerprint of the index in <paramref name="folder"/>, or null when there is no complete index.</summary>
    public static string? ReadFingerprint(string folder)
    {
        string manifest = Path.Combine(folder, ManifestFile);
        if (!File.Exists(manifest) || !File.Exists(Path.Combine(folder, VectorsFile)) || !File.Exists(Path.Combine(folder, TextsFile)))
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(File.ReadAllText(manifest))?["fingerprint"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Opens an index, memory-mapping its embeddings.</summary>
    /// <exception cref="InvalidDataException">A missing or inconsistent file; the message names it.</exception>
    public static EmbeddingIndex Open(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string vectors = Path.Combine(folder, VectorsFile);
        string fingerprint = ReadFingerprint(folder) ?? throw new InvalidDataException($"{folder}: not a complete embedding index");
        string[] texts = File.ReadLines(Path.Combine(folder, TextsFile)).Select(l => JsonSerializer.Deserialize<string>(l) ?? "").ToArray();
        long length = new FileInfo(vectors).Length;
        var header = new byte[HeaderBytes];
        using (var stream = File.OpenRead(vectors))
        {
            stream.ReadExactly(header);
        }
        if (!header.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{vectors}: not a Manabi embedding index (bad magic)");
        }
        int count = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
        int dimension = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
        if (length != HeaderBytes + (long)count * dimension * sizeof(float) || texts.Length != count)
        {
            throw new InvalidDataException($"{vectors}: {count}×{dimension} embeddings do not fit the file's {length} bytes or the {texts.Length} texts");
        }
        var file = MemoryMappedFile.CreateFromFile(vectors, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        return new EmbeddingIndex(folder, file, view, count, dimension, texts, fingerprint);
    }

    /// <summary>The <paramref name="topK"/> entries with the highest cosine to <paramref name="query"/>, best first.</summary>
    public SearchHit[] Search(ReadOnlySpan<float> query, int topK = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        if (query.Length != Dimension)
        {
            throw new ArgumentException($"the query has {query.Length} dimensions, the index {Dimension}", nameof(query));
        }
        float[] unit = new float[Dimension];
        TensorPrimitives.Divide(query, Math.Max(TensorPrimitives.Norm(query), 1e-12f), unit);
        int parts = Math.Max(1, Math.Min(Environment.ProcessorCount, Count / 4096));
        var partial = new TopK[parts];
        Parallel.For(0, parts, p =>
        {
            var top = new TopK(topK);
            int start = (int)((long)Count * p / parts), end = (int)((long)Count * (p + 1) / parts);
            for (int i = start; i < end; i++)
            {
                top.Add(TensorPrimitives.Dot(unit, Vector(i)), i);
            }
            partial[p] = top;
        });
        var merged = new TopK(topK);
        foreach (var part in partial)
        {
            merged.Merge(part);
        }
        return Array.ConvertAll(merged.Sorted(), h => new SearchHit(h.Row, h.Score));
    }

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
