namespace Manabi.Vectors;

/// <summary>Vectors read from a source file, in file order, duplicates dropped (first occurrence kept).</summary>
internal sealed class SourceVectors(List<string> keys, float[] values, int dimensions, int duplicates)
{
    public List<string> Keys { get; } = keys;
    public float[] Values { get; } = values;
    public int Dimensions { get; } = dimensions;
    public int Count => Keys.Count;
    public int DuplicatesDropped { get; } = duplicates;

    /// <summary>fastText n-gram bucket rows, when the source was a fastText model; null otherwise.</summary>
    public SubwordRows? Subwords { get; init; }
}
