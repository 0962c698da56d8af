namespace Manabi.Vectors;

/// <summary>
/// Several stores used as one: each key's vector is the concatenation of its vectors in every part (as Magnitude
/// concatenates models); a key is in vocabulary when some part holds it.
/// </summary>
public sealed class ConcatenatedVectors : IWordVectors
{
    private readonly IWordVectors[] _parts;

    /// <summary>Concatenates the given parts, in order.</summary>
    public ConcatenatedVectors(params IWordVectors[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0)
        {
            throw new ArgumentException("give at least one part.", nameof(parts));
        }
        _parts = parts;
        Dimensions = parts.Sum(p => p.Dimensions);
    }

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <summary>The parts, in order.</summary>
    public IReadOnlyList<IWordVectors> Parts => _parts;

    /// <inheritdoc />
    public bool Contains(string key) => _parts.Any(p => p.Contains(key));

    /// <inheritdoc />
    public VectorLookup Lookup(string key, bool raw = false)
    {
        var vector = new float[Dimensions];
        int at = 0;
        bool oov = true;
        int index = -1;
        foreach (IWordVectors part in _parts)
        {
            VectorLookup found = part.Lookup(key, raw);
            found.Vector.CopyTo(vector, at);
            at += part.Dimensions;
            if (!found.IsOutOfVocabulary)
            {
                oov = false;
                index = index < 0 ? found.Index : index;
            }
        }
        return new VectorLookup(key, vector, oov, index);
    }

    /// <summary>Concatenated vectors of several keys as a 2-D array.</summary>
    public float[,] Query(IReadOnlyList<string> keys, bool raw = false)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var result = new float[keys.Count, Dimensions];
        for (int i = 0; i < keys.Count; i++)
        {
            float[] v = Lookup(keys[i], raw).Vector;
            for (int d = 0; d < v.Length; d++)
            {
                result[i, d] = v[d];
            }
        }
        return result;
    }
}
