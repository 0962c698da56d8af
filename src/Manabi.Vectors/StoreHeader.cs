using System.Buffers.Binary;
using System.Text;

namespace Manabi.Vectors;

/// <summary>
/// The fixed 1 KiB header of a store file (little-endian): magic, version, shape, dtype, flags, index parameters,
/// the section table (offset, length, checksum of each section) and a checksum of the header itself.
/// </summary>
internal sealed class StoreHeader
{
    public const int Size = 1024;
    public const int CurrentVersion = 1;
    public const int SectionCount = 17;
    public const int Alignment = 64;
    public static ReadOnlySpan<byte> Magic => "MANABIWV"u8;
    private const int SectionTableOffset = 128;
    private const int ChecksumOffset = Size - 8;

    public int Version { get; set; } = CurrentVersion;
    public long Count { get; set; }
    public int Dimensions { get; set; }
    public VectorDType DType { get; set; }
    public StoreFlags Flags { get; set; }
    public int RowStride { get; set; }
    public int NgramMin { get; set; } = 3;
    public int NgramMax { get; set; } = 6;
    public int HnswM { get; set; }
    public int HnswM0 { get; set; }
    public int HnswEntry { get; set; } = -1;
    public int HnswMaxLevel { get; set; }
    public int HnswEfConstruction { get; set; }
    public int SubwordMinN { get; set; }
    public int SubwordMaxN { get; set; }
    public int SubwordBuckets { get; set; }
    public long[] SectionOffsets { get; } = new long[SectionCount];
    public long[] SectionLengths { get; } = new long[SectionCount];
    public ulong[] SectionChecksums { get; } = new ulong[SectionCount];

    /// <summary>The most dimensions a store may declare: bounds every per-row allocation a forged header could ask for.</summary>
    public const int MaxDimensions = 1 << 20;

    public static int StrideFor(int dimensions, VectorDType dtype)
    {
        int bytes = checked(dimensions * dtype switch { VectorDType.Float32 => 4, VectorDType.Float16 => 2, _ => 1 });
        return checked((bytes + Alignment - 1) / Alignment * Alignment);
    }

    /// <summary>Whether a section is absent (the writer leaves both its offset and length zero).</summary>
    public bool IsAbsent(StoreSection section) => SectionOffsets[(int)section] == 0 && SectionLengths[(int)section] == 0;

    public byte[] ToBytes()
    {
        var b = new byte[Size];
        Magic.CopyTo(b);
        var s = b.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(s[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(s[12..], Size);
        BinaryPrimitives.WriteInt64LittleEndian(s[16..], Count);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], Dimensions);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], (int)DType);
        BinaryPrimitives.WriteInt32LittleEndian(s[32..], (int)Flags);
        BinaryPrimitives.WriteInt32LittleEndian(s[36..], RowStride);
        BinaryPrimitives.WriteInt32LittleEndian(s[40..], NgramMin);
        BinaryPrimitives.WriteInt32LittleEndian(s[44..], NgramMax);
        BinaryPrimitives.WriteInt32LittleEndian(s[48..], HnswM);
        BinaryPrimitives.WriteInt32LittleEndian(s[52..], HnswM0);
        BinaryPrimitives.WriteInt32LittleEndian(s[56..], HnswEntry);
        BinaryPrimitives.WriteInt32LittleEndian(s[60..], HnswMaxLevel);
        BinaryPrimitives.WriteInt32LittleEndian(s[64..], HnswEfConstruction);
        BinaryPrimitives.WriteInt32LittleEndian(s[68..], SubwordMinN);
        BinaryPrimitives.WriteInt32LittleEndian(s[72..], SubwordMaxN);
        BinaryPrimitives.WriteInt32LittleEndian(s[76..], SubwordBuckets);
        for (int i = 0; i < SectionCount; i++)
        {
            int at = SectionTableOffset + i * 24;
            BinaryPrimitives.WriteInt64LittleEndian(s[at..], SectionOffsets[i]);
            BinaryPrimitives.WriteInt64LittleEndian(s[(at + 8)..], SectionLengths[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(s[(at + 16)..], SectionChecksums[i]);
        }
        BinaryPrimitives.WriteUInt64LittleEndian(s[ChecksumOffset..], XxHash.Hash64(s[..ChecksumOffset]));
        return b;
    }

    /// <summary>Parses and checks a header; <paramref name="fileLength"/> detects truncation.</summary>
    public static StoreHeader Parse(ReadOnlySpan<byte> s, long fileLength, string path)
    {
        if (s.Length < Size || !s[..8].SequenceEqual(Magic))
        {
            throw new VectorFormatException($"{path}: not a Manabi vector store (bad magic or shorter than its {Size}-byte header).");
        }
        int version = BinaryPrimitives.ReadInt32LittleEndian(s[8..]);
        if (version != CurrentVersion)
        {
            throw new VectorFormatException(
                $"{path}: store format version {version}, but this library reads version {CurrentVersion}; convert the source vectors again.");
        }
        ulong expected = BinaryPrimitives.ReadUInt64LittleEndian(s[ChecksumOffset..]);
        if (XxHash.Hash64(s[..ChecksumOffset]) != expected)
        {
            throw new VectorFormatException($"{path}: header checksum mismatch; the store is corrupted.");
        }
        var h = new StoreHeader
        {
            Version = version,
            Count = BinaryPrimitives.ReadInt64LittleEndian(s[16..]),
            Dimensions = BinaryPrimitives.ReadInt32LittleEndian(s[24..]),
            DType = (VectorDType)BinaryPrimitives.ReadInt32LittleEndian(s[28..]),
            Flags = (StoreFlags)BinaryPrimitives.ReadInt32LittleEndian(s[32..]),
            RowStride = BinaryPrimitives.ReadInt32LittleEndian(s[36..]),
            NgramMin = BinaryPrimitives.ReadInt32LittleEndian(s[40..]),
            NgramMax = BinaryPrimitives.ReadInt32LittleEndian(s[44..]),
            HnswM = BinaryPrimitives.ReadInt32LittleEndian(s[48..]),
            HnswM0 = BinaryPrimitives.ReadInt32LittleEndian(s[52..]),
            HnswEntry = BinaryPrimitives.ReadInt32LittleEndian(s[56..]),
            HnswMaxLevel = BinaryPrimitives.ReadInt32LittleEndian(s[60..]),
            HnswEfConstruction = BinaryPrimitives.ReadInt32LittleEndian(s[64..]),
            SubwordMinN = BinaryPrimitives.ReadInt32LittleEndian(s[68..]),
            SubwordMaxN = BinaryPrimitives.ReadInt32LittleEndian(s[72..]),
            SubwordBuckets = BinaryPrimitives.ReadInt32LittleEndian(s[76..]),
        };
        for (int i = 0; i < SectionCount; i++)
        {
            int at = SectionTableOffset + i * 24;
            h.SectionOffsets[i] = BinaryPrimitives.ReadInt64LittleEndian(s[at..]);
            h.SectionLengths[i] = BinaryPrimitives.ReadInt64LittleEndian(s[(at + 8)..]);
            h.SectionChecksums[i] = BinaryPrimitives.ReadUInt64LittleEndian(s[(at + 16)..]);
        }
        h.CheckShape(path);
        h.CheckSections(fileLength, path);
        return h;
    }

    /// <summary>
    /// The shape fields, before anything is sized from them: a forged count, dimension or dtype must not reach the
    /// stride arithmetic (which would overflow) or the row allocations.
    /// </summary>
    private void CheckShape(string path)
    {
        if (Count < 0 || Count >= int.MaxValue || Dimensions <= 0 || Dimensions > MaxDimensions || !Enum.IsDefined(DType)
            || RowStride != StrideFor(Dimensions, DType))
        {
            throw new VectorFormatException($"{path}: inconsistent header (count {Count}, dimensions {Dimensions}, dtype {DType}, row stride {RowStride}).");
        }
    }

    /// <summary>
    /// Every section must lie inside the file after the header and no two may overlap: the readers build spans and
    /// raw pointers from these numbers, so a forged offset would otherwise read (or fault on) memory outside the map.
    /// </summary>
    private void CheckSections(long fileLength, string path)
    {
        var present = new List<(long Start, long End, StoreSection Section)>(SectionCount);
        for (int i = 0; i < SectionCount; i++)
        {
            var section = (StoreSection)i;
            long offset = SectionOffsets[i], length = SectionLengths[i];
            if (IsAbsent(section))
            {
                continue;
            }
            if (offset < Size || offset > fileLength)
            {
                throw new VectorFormatException($"{path}: section '{section}' offset {offset} is outside the file (size {fileLength}, header {Size} bytes); the store is corrupted.");
            }
            if (length < 0)
            {
                throw new VectorFormatException($"{path}: section '{section}' length {length} is negative; the store is corrupted.");
            }
            // offset <= fileLength here, so the difference cannot overflow where offset + length could.
            if (length > fileLength - offset)
            {
                throw new VectorFormatException($"{path}: section '{section}' (offset {offset}, length {length}) ends past the end of the file (size {fileLength}); the store is truncated or corrupted.");
            }
            if (length > 0)
            {
                present.Add((offset, offset + length, section));
            }
        }
        present.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (int i = 1; i < present.Count; i++)
        {
            if (present[i].Start < present[i - 1].End)
            {
                throw new VectorFormatException($"{path}: sections '{present[i - 1].Section}' and '{present[i].Section}' overlap (bytes {present[i].Start}..{present[i - 1].End}); the store is corrupted.");
            }
        }
    }

    public override string ToString() =>
        new StringBuilder().Append(Count).Append(" x ").Append(Dimensions).Append(' ').Append(DType).ToString();
}
