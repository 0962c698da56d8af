namespace Manabi.Torch.Data;

/// <summary>
/// Derives reproducible seeds from (seed, epoch, batch). <see cref="HashCode"/> is randomised per process,
/// so it cannot give the same shuffle after a resume; this uses the SplitMix64 finaliser instead.
/// </summary>
public static class Seeds
{
    /// <summary>A well-mixed 31-bit seed for the triple.</summary>
    public static int Mix(int seed, int epoch, int batch)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)(uint)epoch * 0xBF58476D1CE4E5B9UL + (ulong)(uint)batch * 0x94D049BB133111EBUL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
