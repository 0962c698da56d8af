namespace Manabi.Vectors;

/// <summary>The sections of a store file, in file order; the numbers are part of the format.</summary>
internal enum StoreSection
{
    KeyOffsets = 0,      // long[count + 1]: byte offsets into KeyBytes
    KeyBytes = 1,        // UTF-8 keys back to back
    KeyTable = 2,        // int[capacity]: open addressing on xxHash64(key), row + 1, 0 = empty
    LowerKeyTable = 3,   // int[capacity]: same on the lower-cased key, first row of each lower-cased form
    Vectors = 4,         // count rows of RowStride bytes, unit-normalized, 64-byte aligned
    Scales = 5,          // float[count]: int8 dequantization scale per row (Int8 only)
    Norms = 6,           // float[count]: original norms, so raw vectors are recoverable
    NgramHashes = 7,     // ulong[grams], sorted: xxHash64 of lower-cased character n-grams of the wrapped keys
    NgramStarts = 8,     // long[grams + 1]: offsets into NgramPostings
    NgramPostings = 9,   // int[]: rows holding each n-gram, ascending
    HnswLevels = 10,     // byte[count]: top layer of each node
    HnswLayer0 = 11,     // int[count * M0]: layer-0 neighbours, -1 padded
    HnswUpperOffsets = 12, // long[count]: offset into HnswUpper (in ints) of layer 1, -1 when none
    HnswUpper = 13,      // int[]: M neighbours per layer >= 1, -1 padded
    ScreenCodes = 14,    // count rows of ScreenStride bytes: int8 codes of the unit vectors (Float32 stores), zero padded
    ScreenBounds = 15,   // float[2 * count]: per row the code scale and an upper bound of ||unit - scale * codes||
    SubwordVectors = 16, // float[buckets * dimensions]: a fastText model's raw n-gram bucket rows
}
