namespace Manabi.Vectors;

/// <summary>Anything that maps keys to vectors of a fixed dimension, never failing on unknown keys.</summary>
public interface IWordVectors
{
    /// <summary>Length of every vector.</summary>
    int Dimensions { get; }

    /// <summary>The vector of a key: stored, case-insensitive match, or generated for out-of-vocabulary keys.</summary>
    /// <param name="key">Any non-null string.</param>
    /// <param name="raw">Return the original (un-normalized) vector instead of the unit vector.</param>
    VectorLookup Lookup(string key, bool raw = false);

    /// <summary>Whether the key is stored (exactly, or case-insensitively when that fallback is on).</summary>
    bool Contains(string key);
}
