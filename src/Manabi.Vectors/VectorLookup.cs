namespace Manabi.Vectors;

/// <summary>The result of looking a key up: its vector and where it came from.</summary>
/// <param name="Key">The key that was asked for.</param>
/// <param name="Vector">Unit-normalized vector (or the original one when raw vectors were asked for).</param>
/// <param name="IsOutOfVocabulary">True when the store lacks the key (also case-insensitively) and the vector was generated.</param>
/// <param name="Index">The row that answered (-1 for out-of-vocabulary keys); it may hold a different casing of the key.</param>
public sealed record VectorLookup(string Key, float[] Vector, bool IsOutOfVocabulary, int Index);
