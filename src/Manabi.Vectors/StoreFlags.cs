namespace Manabi.Vectors;

/// <summary>Optional parts present in a store file.</summary>
[Flags]
internal enum StoreFlags
{
    None = 0,
    NgramIndex = 1,
    Hnsw = 2,
    Screening = 4,
    SubwordVectors = 8,
}
