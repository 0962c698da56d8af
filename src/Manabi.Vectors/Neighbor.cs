namespace Manabi.Vectors;

/// <summary>A key found near a query, with its row in the store and its similarity score (cosine for plain queries).</summary>
/// <param name="Key">The neighbour's key.</param>
/// <param name="Index">The neighbour's row in the store (0 = first key of the source file).</param>
/// <param name="Similarity">Cosine similarity, or the 3CosMul score for that method.</param>
public readonly record struct Neighbor(string Key, int Index, float Similarity);
