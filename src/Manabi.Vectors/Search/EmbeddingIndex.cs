using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Manabi.Numerics.IO;

namespace Manabi.Vectors.Search;

/// <summary>
/// An embedded on-disk index of a corpus: its unit-length embeddings in a float32 <see cref="VectorStore"/> file
/// (<c>vectors.mvs</c>, the one memory-mapped vector format of Manabi, with the int8 screening copy that lets an
/// exact search read about a quarter of the bytes), the texts beside it, and a manifest with a fingerprint (of the
/// corpus and model) that tells whether the index can be reused. Built once, then queried.
/// </summary>
public sealed class EmbeddingIndex : IDisposable
{
    private const string VectorsFile = "vectors.mvs";
    private const string TextsFile = "texts.jsonl";
    private const string ManifestFile = "manifest.json";
    // Version 1 kept the vectors in a format of their own (vectors.f32); such folders read as "no complete index".
    private const string Format = "manabi-embedding-index/2";
    private readonly VectorStore _store;
    private readonly string[] _texts;

    private EmbeddingIndex(string folder, VectorStore store, string[] texts, string fingerprint)
    {
        Folder = folder;
        _store = store;
        _texts = texts;
        Fingerprint = fingerprint;
    }

    /// <summary>The index folder.</summary>
    public string Folder { get; }

    /// <summary>Number of entries.</summary>
    public int Count => _store.Count;

    /// <summary>Width of each embedding.</summary>
    public int Dimension => _store.Dimensions;

    /// <summary>What the index was built from (e.g. a hash of the corpus and the model).</summary>
    public string Fingerprint { get; }

    /// <summary>Entry <paramref name="id"/>'s text.</summary>
    public string Text(int id) => _texts[id];

    /// <summary>Entry <paramref name="id"/>'s unit-length embedding, read from the mapped file.</summary>
    public ReadOnlySpan<float> Vector(int id)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)id, (uint)Count, nameof(id));
        return _store.RowFloat32(id);
    }

    /// <summary>Writes an index (to a temporary folder, renamed into place); embeddings are scaled to unit length.</summary>
    /// <exception cref="ArgumentException">Counts or widths differ, or there are no embeddings.</exception>
    public static void Build(string folder, IReadOnlyList<string> texts, IReadOnlyList<float[]> embeddings, string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(embeddings);
        if (texts.Count != embeddings.Count)
        {
            throw new ArgumentException($"{texts.Count} texts but {embeddings.Count} embeddings", nameof(embeddings));
        }
        // The store needs a width, and an empty corpus has none to give.
        if (embeddings.Count == 0 || embeddings[0].Length == 0)
        {
            throw new ArgumentException("an index needs at least one non-empty embedding", nameof(embeddings));
        }
        int count = embeddings.Count, dimension = embeddings[0].Length;
        var values = new float[(long)count * dimension];
        var keys = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            if (embeddings[i].Length != dimension)
            {
                throw new ArgumentException("embeddings differ in width", nameof(embeddings));
            }
            embeddings[i].CopyTo(values, (long)i * dimension);
            // Rows are found by number, never by key: the keys only have to be distinct.
            keys.Add(i.ToString(CultureInfo.InvariantCulture));
        }
        AtomicDirectory.Write(folder, temp =>
        {
            // No n-gram index: out-of-vocabulary lookups of row numbers mean nothing here.
            VectorStoreConverter.WriteOwned(keys, values, dimension, Path.Combine(temp, VectorsFile),
                new VectorConvertOptions { DType = VectorDType.Float32, BuildNgramIndex = false, BuildScreeningCopy = true });
            using (var writer = new StreamWriter(Path.Combine(temp, TextsFile), false, new UTF8Encoding(false)))
            {
                foreach (string text in texts)
                {
                    writer.WriteLine(JsonSerializer.Serialize(text, IndexJsonContext.Default.String));
                }
            }
            File.WriteAllText(Path.Combine(temp, ManifestFile), new JsonObject
            {
                ["format"] = Format,
                ["count"] = count,
                ["dimension"] = dimension,
                ["fingerprint"] = fingerprint,
            }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        });
    }

    /// <summary>
    /// The fingerprint of the index in <paramref name="folder"/>, or null when there is no complete index of this
    /// format (missing files, an unreadable manifest, or a folder written by an older version).
    /// </summary>
    public static string? ReadFingerprint(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string manifest = Path.Combine(folder, ManifestFile);
        if (!File.Exists(manifest) || !File.Exists(Path.Combine(folder, VectorsFile)) || !File.Exists(Path.Combine(folder, TextsFile)))
        {
            return null;
        }
        try
        {
            JsonNode? root = JsonNode.Parse(File.ReadAllText(manifest));
            return root?["format"]?.GetValue<string>() == Format ? root["fingerprint"]?.GetValue<string>() : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            // Not JSON, or a field of the wrong type: as good as no manifest.
            return null;
        }
    }

    /// <summary>
    /// Opens an index, memory-mapping its embeddings. Always checks the store's header and section bounds (so a
    /// truncated file is caught), that it is a float32 store with its screening copy, and that the manifest, the
    /// store and the texts agree on the count; <paramref name="verifyChecksums"/> also checksums every section, which
    /// reads the whole file once (catches flipped bytes, at the cost of about one full float32 scan).
    /// </summary>
    /// <exception cref="InvalidDataException">A missing, damaged or inconsistent file; the message names it.</exception>
    public static EmbeddingIndex Open(string folder, bool verifyChecksums = false)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string fingerprint = ReadFingerprint(folder) ?? throw new InvalidDataException($"{folder}: not a complete embedding index ({Format})");
        string manifestPath = Path.Combine(folder, ManifestFile);
        string vectorsPath = Path.Combine(folder, VectorsFile);
        JsonNode manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        int manifestCount, manifestDimension;
        try
        {
            manifestCount = manifest["count"]?.GetValue<int>() ?? -1;
            manifestDimension = manifest["dimension"]?.GetValue<int>() ?? -1;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{manifestPath}: count or dimension is not a number", e);
        }
        string[] texts = ReadTexts(Path.Combine(folder, TextsFile));
        VectorStore store;
        try
        {
            store = VectorStore.Open(vectorsPath, new VectorStoreOptions
            {
                VerifyChecksums = verifyChecksums,
                OutOfVocabularyCacheSize = 1,
                UseSubwordVectors = false,
            });
        }
        catch (Exception e) when (e is VectorFormatException or IOException or UnauthorizedAccessException)
        {
            // The store's messages already name the file; InvalidDataException is what callers of Open handle.
            throw new InvalidDataException(e.Message.StartsWith(Path.GetFullPath(vectorsPath), StringComparison.Ordinal) ? e.Message : $"{vectorsPath}: {e.Message}", e);
        }
        try
        {
            if (store.DType != VectorDType.Float32 || !store.HasScreeningCopy)
            {
                throw new InvalidDataException($"{vectorsPath}: a {store.DType} store{(store.HasScreeningCopy ? "" : " without a screening copy")}; an embedding index holds float32 with one");
            }
            if (store.Count != manifestCount || store.Dimensions != manifestDimension || texts.Length != store.Count)
            {
                throw new InvalidDataException(
                    $"{folder}: {VectorsFile} holds {store.Count}×{store.Dimensions} embeddings, {ManifestFile} says {manifestCount}×{manifestDimension}, {TextsFile} has {texts.Length} texts");
            }
            return new EmbeddingIndex(folder, store, texts, fingerprint);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private static string[] ReadTexts(string path)
    {
        var texts = new List<string>();
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            try
            {
                texts.Add(JsonSerializer.Deserialize(text, IndexJsonContext.Default.String) ?? "");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{line}: not a JSON string ({e.Message})", e);
            }
        }
        return [.. texts];
    }

    /// <summary>
    /// The <paramref name="topK"/> entries with the highest cosine to <paramref name="query"/>, best first (ties by
    /// lowest id): the store's exact search, which screens int8 codes and rescores in float32 only the rows that can
    /// still reach the top k, so the hits and scores are those of a full float32 scan.
    /// </summary>
    public SearchHit[] Search(ReadOnlySpan<float> query, int topK = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        if (query.Length != Dimension)
        {
            throw new ArgumentException($"the query has {query.Length} dimensions, the index {Dimension}", nameof(query));
        }
        IReadOnlyList<Neighbor> neighbors = _store.MostSimilar(query, topK);
        var hits = new SearchHit[neighbors.Count];
        for (int i = 0; i < hits.Length; i++)
        {
            hits[i] = new SearchHit(neighbors[i].Index, neighbors[i].Similarity);
        }
        return hits;
    }

    /// <summary>Unmaps the file.</summary>
    public void Dispose() => _store.Dispose();
}
