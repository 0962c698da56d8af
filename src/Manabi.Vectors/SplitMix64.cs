namespace Manabi.Vectors;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood): a tiny fixed pseudo-random generator. Out-of-vocabulary vectors depend on
/// it, so it must never change; System.Random's algorithm is not guaranteed across .NET versions.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15ul;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ul;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBul;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [-1, 1) from the top 24 bits, exactly representable as float.</summary>
    public float NextSymmetric() => (Next() >> 40) * (2f / (1 << 24)) - 1f;

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1ul << 53));
}
