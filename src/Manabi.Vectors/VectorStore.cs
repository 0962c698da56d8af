using System.IO.MemoryMappedFiles;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;

namespace Manabi.Vectors;

/// <summary>
/// A memory-mapped word-vector store written by <see cref="VectorStoreConverter"/>. Opening maps the file and reads
/// its 1 KiB header only, so it takes milliseconds whatever the size and several processes share the pages.
/// Every lookup succeeds: unknown keys get Magnitude-style out-of-vocabulary vectors. Safe for concurrent readers.
/// </summary>
public sealed unsafe partial class VectorStore : IWordVectors, IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly StoreHeader _header;
    private readonly VectorStoreOptions _options;
    private readonly LruCache<string, float[]> _oovCache;
    private readonly OutOfVocabulary _oov;
    private readonly FastTextSubwords? _subwords;
    private int _disposed;

    private VectorStore(string path, VectorStoreOptions options)
    {
        Path = System.IO.Path.GetFullPath(path);
        _options = options;
        long length = new FileInfo(Path).Length;
        if (length < StoreHeader.Size)
        {
            throw new VectorFormatException($"{Path}: not a Manabi vector store (only {length} bytes; the header alone is {StoreHeader.Size}).");
        }
        _file = MemoryMappedFile.CreateFromFile(Path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _base = pointer + _view.PointerOffset;
            _header = StoreHeader.Parse(new ReadOnlySpan<byte>(_base, StoreHeader.Size), length, Path);
            FileSize = length;
            CheckCoreSections();
            CheckScreeningSections();
            CheckSubwordSection();
            CheckNgramSections();
            CheckHnswSections();
            if (options.VerifyChecksums)
            {
                Verify();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        if (HasSubwordVectors && options.UseSubwordVectors)
        {
            _subwords = new FastTextSubwords(_header.SubwordMinN, _header.SubwordMaxN, _header.SubwordBuckets);
        }
        _oovCache = new LruCache<string, float[]>(options.OutOfVocabularyCacheSize);
        _oov = new OutOfVocabulary(this, options.OutOfVocabularyMatching);
    }

    /// <summary>Opens a store; throws <see cref="VectorFormatException"/> for a bad, truncated or other-version file.</summary>
    /// <param name="path">A file written by <see cref="VectorStoreConverter.Convert"/>.</param>
    /// <param name="options">Lookup options; null for the defaults.</param>
    public static VectorStore Open(string path, VectorStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Vector store not found: {path}", path);
        }
        return new VectorStore(path, options ?? new VectorStoreOptions());
    }

    /// <summary>The store's absolute path.</summary>
    public string Path { get; }

    /// <summary>The store's size in bytes.</summary>
    public long FileSize { get; }

    /// <summary>Number of stored keys.</summary>
    public int Count => (int)_header.Count;

    /// <inheritdoc />
    public int Dimensions => _header.Dimensions;

    /// <summary>How the vectors are stored.</summary>
    public VectorDType DType => _header.DType;

    /// <summary>The store format version.</summary>
    public int FormatVersion => _header.Version;

    /// <summary>Whether the file holds the HNSW graph for approximate neighbour search.</summary>
    public bool HasApproximateIndex => (_header.Flags & StoreFlags.Hnsw) != 0;

    /// <summary>
    /// Whether the file holds the int8 screening copy that lets exact searches skip most float32 rows (see
    /// <see cref="VectorConvertOptions.BuildScreeningCopy"/>).
    /// </summary>
    public bool HasScreeningCopy => (_header.Flags & StoreFlags.Screening) != 0;

    /// <summary>
    /// Whether the file holds a fastText model's n-gram bucket rows (converted from a fastText <c>.bin</c>): then
    /// out-of-vocabulary keys get fastText's own subword vectors (see <see cref="VectorStoreOptions.UseSubwordVectors"/>).
    /// </summary>
    public bool HasSubwordVectors => (_header.Flags & StoreFlags.SubwordVectors) != 0;

    /// <summary>The fastText model's n-gram lengths and bucket count (zeros unless <see cref="HasSubwordVectors"/>).</summary>
    public (int MinN, int MaxN, int Buckets) SubwordParameters => (_header.SubwordMinN, _header.SubwordMaxN, _header.SubwordBuckets);

    /// <summary>Whether the file holds the character n-gram index used to match out-of-vocabulary keys.</summary>
    public bool HasNgramIndex => (_header.Flags & StoreFlags.NgramIndex) != 0;

    /// <summary>Bytes between consecutive vectors (a multiple of 64).</summary>
    public int RowStride => _header.RowStride;

    /// <summary>HNSW parameters (M, efConstruction) when <see cref="HasApproximateIndex"/>; zeros otherwise.</summary>
    public (int M, int EfConstruction) ApproximateIndexParameters => (_header.HnswM, _header.HnswEfConstruction);

    /// <summary>Generated out-of-vocabulary vectors currently cached.</summary>
    public int CachedOutOfVocabularyCount => _oovCache.Count;

    /// <summary>All keys in row order (decoded lazily).</summary>
    public IEnumerable<string> Keys
    {
        get
        {
            for (int row = 0; row < Count; row++)
            {
                yield return GetKey(row);
            }
        }
    }

    /// <summary>The key stored at a row.</summary>
    public string GetKey(int row)
    {
        CheckRow(row);
        return Encoding.UTF8.GetString(KeyBytes(row));
    }

    /// <summary>The row of a key, exactly as written (case-sensitive); -1 when absent.</summary>
    public int IndexOfExact(string key) => FindExact(key);

    /// <summary>The row of a key, trying the exact form and then (if enabled) a case-insensitive match; -1 when absent.</summary>
    public int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int row = FindExact(key);
        if (row < 0 && _options.CaseInsensitiveFallback)
        {
            row = FindLower(key.ToLowerInvariant());
        }
        return row;
    }

    /// <inheritdoc />
    public bool Contains(string key) => IndexOf(key) >= 0;

    /// <summary>The original norm of a row's vector (before normalization).</summary>
    public float GetNorm(int row)
    {
        CheckRow(row);
        return Section<float>(StoreSection.Norms)[row];
    }

    /// <summary>Copies a row's vector (unit, or original when <paramref name="raw"/>) into <paramref name="destination"/>.</summary>
    public void GetRow(int row, Span<float> destination, bool raw = false)
    {
        CheckRow(row);
        if (destination.Length < Dimensions)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats; {Dimensions} are needed.", nameof(destination));
        }
        ReadUnit(row, destination[..Dimensions]);
        if (raw)
        {
            TensorPrimitives.Multiply(destination[..Dimensions], GetNorm(row), destination[..Dimensions]);
        }
    }

    /// <inheritdoc />
    public VectorLookup Lookup(string key, bool raw = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        var vector = new float[Dimensions];
        int row = LookupInto(key, vector, raw);
        return new VectorLookup(key, vector, row < 0, row);
    }

    /// <summary>The vector of a key (stored or generated), unit-normalized unless <paramref name="raw"/>.</summary>
    public float[] GetVector(string key, bool raw = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        var vector = new float[Dimensions];
        LookupInto(key, vector, raw);
        return vector;
    }

    /// <summary>
    /// Writes a key's vector into <paramref name="destination"/> and returns its row, or -1 when it was generated
    /// (out of vocabulary; generated vectors are unit length also when <paramref name="raw"/>, except fastText subword
    /// vectors, which <paramref name="raw"/> returns un-normalized as fastText prints them).
    /// </summary>
    public int LookupInto(string key, Span<float> destination, bool raw = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        int row = IndexOf(key);
        if (row >= 0)
        {
            GetRow(row, destination, raw);
            return row;
        }
        if (raw && _subwords is not null && SubwordVector(key, destination[..Dimensions]))
        {
            return -1;
        }
        OutOfVocabularyVector(key).CopyTo(destination);
        return -1;
    }

    /// <summary>Vectors of several keys as a 2-D array (one row per key, in order).</summary>
    public float[,] Query(IReadOnlyList<string> keys, bool raw = false)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var result = new float[keys.Count, Dimensions];
        Span<float> flat = MemoryMarshal.CreateSpan(ref result[0, 0], result.Length);
        if (keys.Count >= 256)
        {
            try
            {
                Parallel.For(0, keys.Count, i =>
                {
                    Span<float> all = MemoryMarshal.CreateSpan(ref result[0, 0], result.Length);
                    LookupInto(keys[i], all.Slice(i * Dimensions, Dimensions), raw);
                });
            }
            catch (AggregateException ex) when (ex.InnerExceptions.FirstOrDefault(e => e is VectorFormatException) is { } corrupt)
            {
                // A corrupted store is reported as itself, as the sequential path does, not wrapped by the parallel loop.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(corrupt);
            }
            return result;
        }
        for (int i = 0; i < keys.Count; i++)
        {
            LookupInto(keys[i], flat.Slice(i * Dimensions, Dimensions), raw);
        }
        return result;
    }

    /// <summary>
    /// Vectors of several sentences as a 3-D array [sentence, position, dimension], zero-padded or truncated to
    /// <paramref name="length"/> (default: the longest sentence).
    /// </summary>
    /// <param name="sentences">Tokenized sentences.</param>
    /// <param name="length">Positions per sentence; null for the longest sentence's length.</param>
    /// <param name="padLeft">Put the padding before the tokens instead of after.</param>
    /// <param name="truncateLeft">Drop tokens from the start instead of the end when a sentence is too long.</param>
    /// <param name="raw">Original instead of unit vectors.</param>
    public float[,,] Query(IReadOnlyList<IReadOnlyList<string>> sentences, int? length = null, bool padLeft = false, bool truncateLeft = false, bool raw = false)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        int positions = length ?? (sentences.Count == 0 ? 0 : sentences.Max(s => s.Count));
        ArgumentOutOfRangeException.ThrowIfNegative(positions, nameof(length));
        var result = new float[sentences.Count, positions, Dimensions];
        for (int s = 0; s < sentences.Count; s++)
        {
            IReadOnlyList<string> tokens = sentences[s];
            int kept = Math.Min(tokens.Count, positions);
            int firstToken = truncateLeft ? tokens.Count - kept : 0;
            int firstPosition = padLeft ? positions - kept : 0;
            for (int t = 0; t < kept; t++)
            {
                Span<float> dest = MemoryMarshal.CreateSpan(ref result[s, firstPosition + t, 0], Dimensions);
                LookupInto(tokens[firstToken + t], dest, raw);
            }
        }
        return result;
    }

    /// <summary>Whether the key would get a generated (out-of-vocabulary) vector.</summary>
    public bool IsOutOfVocabulary(string key) => IndexOf(key) < 0;

    /// <summary>The generated vector for a key, as if it were absent from the store (used to evaluate OOV quality).</summary>
    public float[] OutOfVocabularyVector(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_oovCache.TryGet(key, out float[] cached))
        {
            return (float[])cached.Clone();
        }
        float[] vector = UnitSubwordVector(key) ?? _oov.Vector(key);
        _oovCache.Add(key, vector);
        return (float[])vector.Clone();
    }

    /// <summary>
    /// fastText's vector for a key from the stored bucket rows alone (the mean of its n-gram rows, raw, as
    /// <c>fasttext print-word-vectors</c> prints for an unknown word); false when the store has no bucket rows or the
    /// key has no n-gram, and then <paramref name="destination"/> is zero.
    /// </summary>
    public bool SubwordVector(string key, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (destination.Length != Dimensions)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats; {Dimensions} are needed.", nameof(destination));
        }
        if (_subwords is null)
        {
            destination.Clear();
            return false;
        }
        return _subwords.Average(key, null, [], Section<float>(StoreSection.SubwordVectors), destination, []) > 0;
    }

    /// <summary>The normalized fastText subword vector of a key, or null when the store has none or the key no n-gram.</summary>
    private float[]? UnitSubwordVector(string key)
    {
        if (_subwords is null)
        {
            return null;
        }
        var vector = new float[Dimensions];
        if (!SubwordVector(key, vector))
        {
            return null;
        }
        Normalize(vector);
        return vector;
    }

    /// <summary>Only the pseudo-random part of the OOV vector (seeded by the key's character n-grams), unit length.</summary>
    public float[] OutOfVocabularyRandomPart(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return OutOfVocabulary.RandomPart(key, Dimensions);
    }

    /// <summary>The stored keys whose vectors form the matching part of a key's OOV vector (up to three).</summary>
    public IReadOnlyList<string> OutOfVocabularyMatches(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return [.. _oov.MatchRows(key).Select(m => GetKey(m.Row))];
    }

    /// <summary>Writes the store as word2vec text (original vectors unless <paramref name="normalized"/>), via a temporary file.</summary>
    public void ExportWord2VecText(string outputPath, bool normalized = false)
    {
        ArgumentNullException.ThrowIfNull(outputPath);
        string temp = outputPath + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false), 1 << 20))
            {
                writer.NewLine = "\n";
                writer.WriteLine(FormattableString.Invariant($"{Count} {Dimensions}"));
                var row = new float[Dimensions];
                var sb = new StringBuilder();
                for (int r = 0; r < Count; r++)
                {
                    GetRow(r, row, raw: !normalized);
                    sb.Clear().Append(GetKey(r));
                    foreach (float v in row)
                    {
                        sb.Append(' ').Append(v.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    writer.WriteLine(sb);
                }
            }
            File.Move(temp, outputPath, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Verifies every section's checksum; throws <see cref="VectorFormatException"/> naming the corrupted section.</summary>
    public void Verify()
    {
        for (int s = 0; s < StoreHeader.SectionCount; s++)
        {
            long length = _header.SectionLengths[s];
            if (length == 0 && _header.SectionOffsets[s] == 0)
            {
                continue;
            }
            ulong actual = SectionChecksum.ComputeParallel(_base + _header.SectionOffsets[s], length);
            if (actual != _header.SectionChecksums[s])
            {
                throw new VectorFormatException($"{Path}: checksum mismatch in section {(StoreSection)s}; the store is corrupted.");
            }
        }
    }

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _file.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"{System.IO.Path.GetFileName(Path)}: {_header}";

    // ---- internals shared with search and OOV ----

    internal StoreHeader Header => _header;

    internal ReadOnlySpan<T> Section<T>(StoreSection section) where T : unmanaged
    {
        long length = _header.SectionLengths[(int)section];
        return new ReadOnlySpan<T>(_base + _header.SectionOffsets[(int)section], (int)(length / sizeof(T)));
    }

    internal byte* SectionPointer(StoreSection section) => _base + _header.SectionOffsets[(int)section];

    /// <summary>
    /// A row's UTF-8 key. The offsets are checked here rather than at open (that would read the whole table, and
    /// opening reads only the header): a forged pair must not make a span outside the key bytes.
    /// </summary>
    internal ReadOnlySpan<byte> KeyBytes(int row)
    {
        ReadOnlySpan<long> offsets = Section<long>(StoreSection.KeyOffsets);
        long start = offsets[row], end = offsets[row + 1];
        if (start < 0 || end < start || end > _header.SectionLengths[(int)StoreSection.KeyBytes] || end - start > int.MaxValue)
        {
            throw Corrupt($"section 'KeyOffsets' gives row {row} the key bytes {start}..{end}, outside the {_header.SectionLengths[(int)StoreSection.KeyBytes]}-byte 'KeyBytes' section");
        }
        return new ReadOnlySpan<byte>(_base + _header.SectionOffsets[(int)StoreSection.KeyBytes] + start, (int)(end - start));
    }

    internal int KeyByteLength(int row) => KeyBytes(row).Length;

    /// <summary>The exception for data inside a section that contradicts the rest of the store.</summary>
    internal VectorFormatException Corrupt(string what) => new($"{Path}: {what}; the store is corrupted.");

    /// <summary>The stored unit vector of a row as float32 (only for <see cref="VectorDType.Float32"/> stores).</summary>
    internal ReadOnlySpan<float> RowFloat32(int row) =>
        new(_base + _header.SectionOffsets[(int)StoreSection.Vectors] + (long)row * _header.RowStride, Dimensions);

    internal void ReadUnit(int row, Span<float> destination)
    {
        byte* start = _base + _header.SectionOffsets[(int)StoreSection.Vectors] + (long)row * _header.RowStride;
        switch (_header.DType)
        {
            case VectorDType.Float32:
                new ReadOnlySpan<float>(start, Dimensions).CopyTo(destination);
                break;
            case VectorDType.Float16:
                TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>(start, Dimensions), destination);
                break;
            default:
                TensorPrimitives.ConvertChecked<sbyte, float>(new ReadOnlySpan<sbyte>(start, Dimensions), destination);
                TensorPrimitives.Multiply(destination, Section<float>(StoreSection.Scales)[row], destination);
                break;
        }
    }

    internal int FindExact(string key)
    {
        int max = Encoding.UTF8.GetMaxByteCount(key.Length);
        Span<byte> utf8 = max <= 512 ? stackalloc byte[max] : new byte[max];
        int n = Encoding.UTF8.GetBytes(key, utf8);
        return Probe(StoreSection.KeyTable, utf8[..n], lowerCase: false);
    }

    internal int FindLower(string lowerKey)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(lowerKey);
        return Probe(StoreSection.LowerKeyTable, utf8, lowerCase: true);
    }

    private int Probe(StoreSection tableSection, ReadOnlySpan<byte> utf8, bool lowerCase)
    {
        ReadOnlySpan<int> table = Section<int>(tableSection);
        if (table.IsEmpty)
        {
            return -1;
        }
        int mask = table.Length - 1;
        int slot = (int)(KeyTable.Hash(utf8) & (ulong)mask);
        // Bounded: a forged table without an empty slot would otherwise loop for ever.
        for (int probes = 0; probes < table.Length; probes++)
        {
            int entry = table[slot];
            if (entry == 0)
            {
                return -1;
            }
            int row = entry - 1;
            if ((uint)row >= (uint)Count)
            {
                throw Corrupt($"section '{tableSection}' slot {slot} names row {row}, but the store holds {Count} rows");
            }
            ReadOnlySpan<byte> stored = KeyBytes(row);
            if (lowerCase ? Encoding.UTF8.GetString(stored).ToLowerInvariant().AsSpan().SequenceEqual(Encoding.UTF8.GetString(utf8)) : stored.SequenceEqual(utf8))
            {
                return row;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    /// <summary>
    /// The sections every store has, sized from the header: rows are read through raw pointers (row × stride), so
    /// their sections must hold exactly what the count and shape say before any row is touched.
    /// </summary>
    private void CheckCoreSections()
    {
        long count = _header.Count;
        ExpectLength(StoreSection.KeyOffsets, checked((count + 1) * sizeof(long)));
        ExpectLength(StoreSection.Vectors, checked(count * _header.RowStride));
        ExpectLength(StoreSection.Norms, checked(count * sizeof(float)));
        ReadOnlySpan<long> offsets = Section<long>(StoreSection.KeyOffsets);
        long keyBytes = _header.SectionLengths[(int)StoreSection.KeyBytes];
        // The two ends are cheap to check here; the offsets between them are checked as rows are read (KeyBytes).
        if (offsets[0] != 0 || offsets[^1] != keyBytes)
        {
            throw Corrupt($"section 'KeyOffsets' spans bytes {offsets[0]}..{offsets[^1]}, but section 'KeyBytes' holds {keyBytes}");
        }
        foreach (StoreSection table in (ReadOnlySpan<StoreSection>)[StoreSection.KeyTable, StoreSection.LowerKeyTable])
        {
            long length = _header.SectionLengths[(int)table];
            // Probing masks the hash with (slots - 1), which stays inside the table only for a power of two.
            if (length % sizeof(int) != 0 || (length != 0 && !long.IsPow2(length / sizeof(int))) || length / sizeof(int) > int.MaxValue)
            {
                throw Corrupt($"section '{table}' is {length} bytes, not a power-of-two number of slots");
            }
        }
    }

    /// <summary>The n-gram index's sections must agree with each other; postings are checked as they are read.</summary>
    private void CheckNgramSections()
    {
        if (!HasNgramIndex)
        {
            return;
        }
        if (_header.NgramMin < 1 || _header.NgramMax < _header.NgramMin || _header.NgramMax > 64)
        {
            throw Corrupt($"the n-gram lengths {_header.NgramMin}..{_header.NgramMax} are not a range within 1..64");
        }
        long hashes = _header.SectionLengths[(int)StoreSection.NgramHashes];
        long postings = _header.SectionLengths[(int)StoreSection.NgramPostings];
        if (hashes % sizeof(ulong) != 0 || postings % sizeof(int) != 0)
        {
            throw Corrupt($"the n-gram sections ({hashes} and {postings} bytes) are not whole numbers of entries");
        }
        ExpectLength(StoreSection.NgramStarts, checked(hashes + sizeof(long)));
        ReadOnlySpan<long> starts = Section<long>(StoreSection.NgramStarts);
        if (starts[0] != 0 || starts[^1] != postings / sizeof(int))
        {
            throw Corrupt($"section 'NgramStarts' spans postings {starts[0]}..{starts[^1]}, but section 'NgramPostings' holds {postings / sizeof(int)}");
        }
    }

    /// <summary>The graph's parameters and section sizes; neighbour ids are checked as the search reads them.</summary>
    private void CheckHnswSections()
    {
        if (!HasApproximateIndex)
        {
            return;
        }
        long count = _header.Count;
        if (_header.HnswM < 1 || _header.HnswM > 1 << 16 || _header.HnswM0 < 1 || _header.HnswM0 > 1 << 17
            || _header.HnswEntry < -1 || _header.HnswEntry >= count || _header.HnswMaxLevel < 0 || _header.HnswMaxLevel > byte.MaxValue)
        {
            throw Corrupt($"inconsistent HNSW parameters (M {_header.HnswM}, M0 {_header.HnswM0}, entry {_header.HnswEntry}, top level {_header.HnswMaxLevel}) for {count} rows");
        }
        ExpectLength(StoreSection.HnswLevels, count);
        ExpectLength(StoreSection.HnswLayer0, checked(count * _header.HnswM0 * sizeof(int)));
        ExpectLength(StoreSection.HnswUpperOffsets, checked(count * sizeof(long)));
        long upper = _header.SectionLengths[(int)StoreSection.HnswUpper];
        if (upper % sizeof(int) != 0 || upper / sizeof(int) > int.MaxValue)
        {
            throw Corrupt($"section 'HnswUpper' is {upper} bytes, not a whole number of links");
        }
    }

    private void ExpectLength(StoreSection section, long expected)
    {
        long length = _header.SectionLengths[(int)section];
        if (length != expected)
        {
            throw Corrupt($"section '{section}' is {length} bytes, but the header's shape ({Count} x {Dimensions} {DType}) needs {expected}");
        }
    }

    /// <summary>Int8 codes are screened without bounds checks, so their sections must have exactly the expected sizes.</summary>
    private void CheckScreeningSections()
    {
        if (_header.DType == VectorDType.Int8 && _header.SectionLengths[(int)StoreSection.Scales] != _header.Count * sizeof(float))
        {
            throw new VectorFormatException($"{Path}: the int8 scales section holds {_header.SectionLengths[(int)StoreSection.Scales]} bytes for {Count} rows; the store is corrupted.");
        }
        if (!HasScreeningCopy)
        {
            return;
        }
        long codes = _header.SectionLengths[(int)StoreSection.ScreenCodes], bounds = _header.SectionLengths[(int)StoreSection.ScreenBounds];
        if (_header.DType != VectorDType.Float32 || codes != _header.Count * ScreeningCopy.StrideFor(Dimensions) || bounds != _header.Count * 8)
        {
            throw new VectorFormatException($"{Path}: inconsistent screening sections ({codes} and {bounds} bytes for {Count} x {Dimensions} {DType}); the store is corrupted.");
        }
    }

    /// <summary>Bucket rows are indexed by hash without bounds checks beyond the span, so the section must match the header.</summary>
    private void CheckSubwordSection()
    {
        if (!HasSubwordVectors)
        {
            return;
        }
        long length = _header.SectionLengths[(int)StoreSection.SubwordVectors];
        if (_header.SubwordBuckets <= 0 || _header.SubwordMinN < 1 || _header.SubwordMaxN < _header.SubwordMinN
            || length != checked((long)_header.SubwordBuckets * Dimensions * sizeof(float)))
        {
            throw new VectorFormatException($"{Path}: inconsistent fastText subword section ({length} bytes for {_header.SubwordBuckets} buckets x {Dimensions}); the store is corrupted.");
        }
    }

    private void CheckRow(int row)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if ((uint)row >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"the store holds {Count} rows.");
        }
    }
}
