using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Manabi.Vectors.Tests;

/// <summary>
/// Forged stores (a valid header checksum over lying offsets, lengths, counts or links) must be rejected with
/// <see cref="VectorFormatException"/>: the store is memory-mapped and read through raw pointers, so before the
/// bounds checks these aborted the whole process with an access violation.
/// </summary>
public class ForgedStoreTests
{
    private const int Dims = 8;
    private const int Rows = 60;

    [Fact]
    public void NegativeSectionOffsetIsRejectedOnOpen()
    {
        using var dir = new TempDirectory();
        string path = Forge(dir, h => h.SectionOffsets[(int)StoreSection.KeyOffsets] = -8);
        var e = Assert.Throws<VectorFormatException>(() => VectorStore.Open(path));
        Assert.Contains("s.mvs", e.Message, StringComparison.Ordinal);
        Assert.Contains("section 'KeyOffsets' offset -8 is outside the file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OffsetBeyondTheEndIsRejectedOnOpen()
    {
        using var dir = new TempDirectory();
        long size = 0;
        string path = Forge(dir, h => h.SectionOffsets[(int)StoreSection.Vectors] = long.MaxValue - 4, s => size = s);
        var e = Assert.Throws<VectorFormatException>(() => VectorStore.Open(path));
        Assert.Contains($"section 'Vectors' offset {long.MaxValue - 4} is outside the file (size {size}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LengthBeyondTheEndIsRejectedOnOpen()
    {
        using var dir = new TempDirectory();
        // Offset + length overflows to a negative end, which the old "end > file size" check let through.
        string path = Forge(dir, h => h.SectionLengths[(int)StoreSection.KeyBytes] = long.MaxValue);
        var e = Assert.Throws<VectorFormatException>(() => VectorStore.Open(path));
        Assert.Contains("section 'KeyBytes'", e.Message, StringComparison.Ordinal);
        Assert.Contains("past the end of the file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlappingSectionsAreRejectedOnOpen()
    {
        using var dir = new TempDirectory();
        string path = Forge(dir, h => h.SectionOffsets[(int)StoreSection.Norms] = h.SectionOffsets[(int)StoreSection.Vectors] + 64);
        var e = Assert.Throws<VectorFormatException>(() => VectorStore.Open(path));
        Assert.Contains("overlap", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShapesThatOverflowAreRejectedOnOpen()
    {
        using var dir = new TempDirectory();
        string dims = Forge(dir, h => (h.Dimensions, h.RowStride) = (int.MaxValue, 64));
        Assert.Contains("inconsistent header", Assert.Throws<VectorFormatException>(() => VectorStore.Open(dims)).Message, StringComparison.Ordinal);
        string count = Forge(dir, h => h.Count = int.MaxValue - 1, name: "c.mvs");
        Assert.Contains("section 'KeyOffsets'", Assert.Throws<VectorFormatException>(() => VectorStore.Open(count)).Message, StringComparison.Ordinal);
        string dtype = Forge(dir, h => h.DType = (VectorDType)7, name: "d.mvs");
        Assert.Contains("inconsistent header", Assert.Throws<VectorFormatException>(() => VectorStore.Open(dtype)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CountLargerThanTheKeyTableIsRejectedOnOpen()
    {
        using var dir = new TempDirectory();
        string path = Forge(dir, h => h.Count += 10);
        var e = Assert.Throws<VectorFormatException>(() => VectorStore.Open(path));
        Assert.Contains("section 'KeyOffsets'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyOffsetOutsideItsSectionFailsOnFirstRead()
    {
        using var dir = new TempDirectory();
        string path = ForgeSection(dir, StoreSection.KeyOffsets, bytes => BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(5 * 8), 1L << 40));
        using var store = VectorStore.Open(path);
        var e = Assert.Throws<VectorFormatException>(() => store.GetKey(4));
        Assert.Contains("section 'KeyOffsets'", e.Message, StringComparison.Ordinal);
        Assert.Throws<VectorFormatException>(() => store.MostSimilar("w0", Rows));
    }

    [Fact]
    public void KeyTableEntryOutsideTheRowsFailsOnLookup()
    {
        using var dir = new TempDirectory();
        string path = ForgeSection(dir, StoreSection.KeyTable, bytes => MemoryMarshal.Cast<byte, int>(bytes.AsSpan()).Fill(Rows + 5));
        using var store = VectorStore.Open(path);
        Assert.Contains("section 'KeyTable'", Assert.Throws<VectorFormatException>(() => store.IndexOfExact("w1")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HnswNeighbourPastTheRowsFailsOnApproximateSearch()
    {
        using var dir = new TempDirectory();
        string path = ForgeSection(dir, StoreSection.HnswLayer0, bytes => MemoryMarshal.Cast<byte, int>(bytes.AsSpan()).Fill(Rows));
        using var store = VectorStore.Open(path);
        var e = Assert.Throws<VectorFormatException>(() => store.MostSimilar("w1", 5, approximate: true));
        Assert.Contains("section 'HnswLayer0' links to node 60", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NgramPostingPastTheRowsFailsOnOutOfVocabularyLookup()
    {
        using var dir = new TempDirectory();
        string path = ForgeSection(dir, StoreSection.NgramPostings, bytes => MemoryMarshal.Cast<byte, int>(bytes.AsSpan()).Fill(int.MaxValue));
        using var store = VectorStore.Open(path);
        var e = Assert.Throws<VectorFormatException>(() => store.GetVector("w1q"));
        Assert.Contains("section 'NgramPostings'", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Random changes to the header fields and section table (header checksum recomputed, so they get past it) and
    /// to the section bodies: each store opens and answers, or fails with a format error, and never crashes.
    /// </summary>
    [Fact]
    public void RandomMutationsNeverCrash()
    {
        using var dir = new TempDirectory();
        string original = WriteSample(dir);
        byte[] clean = File.ReadAllBytes(original);
        const int tableEnd = 128 + StoreHeader.SectionCount * 24;
        var rng = new Random(20240611);
        string path = dir.File("m.mvs");
        var unexpected = new List<string>();
        for (int i = 0; i < 600; i++)
        {
            byte[] bytes = (byte[])clean.Clone();
            bool body = i % 5 == 4;
            for (int flips = rng.Next(1, 4); flips > 0; flips--)
            {
                int at = body ? rng.Next(StoreHeader.Size, bytes.Length) : rng.Next(16, tableEnd);
                bytes[at] = rng.Next(3) == 0 ? (byte)0xFF : (byte)(bytes[at] ^ (1 << rng.Next(8)));
            }
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(StoreHeader.Size - 8), XxHash.Hash64(bytes.AsSpan(0, StoreHeader.Size - 8)));
            File.WriteAllBytes(path, bytes);
            try
            {
                using var store = VectorStore.Open(path);
                store.MostSimilar("w3", 5);
                store.GetVector("w3zq");
                if (store.HasApproximateIndex)
                {
                    store.MostSimilar("w3", 5, approximate: true);
                }
                store.Verify();
            }
            catch (Exception e) when (e is VectorFormatException or InvalidDataException)
            {
            }
            catch (Exception e)
            {
                unexpected.Add($"mutation {i}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected.Take(20)));
    }

    private static string WriteSample(TempDirectory dir, string name = "s.mvs")
    {
        var (keys, values) = TestVectors.Random(Rows, Dims, 5);
        string path = dir.File(name);
        VectorStoreConverter.Write(keys, values, Dims, path, new VectorConvertOptions { BuildApproximateIndex = true });
        return path;
    }

    /// <summary>A valid store whose header <paramref name="change"/> rewrites, with the header checksum recomputed.</summary>
    private static string Forge(TempDirectory dir, Action<StoreHeader> change, Action<long>? size = null, string name = "s.mvs")
    {
        string path = WriteSample(dir, name);
        byte[] bytes = File.ReadAllBytes(path);
        StoreHeader header = StoreHeader.Parse(bytes, bytes.Length, path);
        change(header);
        header.ToBytes().CopyTo(bytes, 0);
        File.WriteAllBytes(path, bytes);
        size?.Invoke(bytes.Length);
        return path;
    }

    /// <summary>A valid store with one section's bytes rewritten (its checksum left stale: only Verify would notice).</summary>
    private static string ForgeSection(TempDirectory dir, StoreSection section, Action<byte[]> change)
    {
        string path = WriteSample(dir);
        byte[] bytes = File.ReadAllBytes(path);
        StoreHeader header = StoreHeader.Parse(bytes, bytes.Length, path);
        int offset = (int)header.SectionOffsets[(int)section], length = (int)header.SectionLengths[(int)section];
        Assert.True(length > 0, $"the sample store has no {section} section");
        byte[] data = bytes[offset..(offset + length)];
        change(data);
        data.CopyTo(bytes, offset);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
