using CsCheck;

namespace Manabi.TestSupport;

/// <summary>
/// Runs a CsCheck property on the same cases every run. CsCheck's <c>seed:</c> fixes only the first iteration (the
/// rest come from a random generator), so each case here is its own one-iteration sample from the seed of
/// <c>new PCG(stream, i)</c>: CI sees the same cases, and a failure names the seed that replays it alone.
/// </summary>
public static class SeededProperty
{
    /// <summary>Checks <paramref name="assert"/> on <paramref name="cases"/> values of <paramref name="gen"/>, from fixed seeds.</summary>
    /// <exception cref="CsCheckException">A case failed; the message holds its seed.</exception>
    public static void Check<T>(Gen<T> gen, Action<T> assert, int cases, uint stream = 17)
    {
        ArgumentNullException.ThrowIfNull(gen);
        for (int i = 0; i < cases; i++)
        {
            gen.Sample(assert, seed: new PCG(stream, (ulong)i).ToString(), iter: 1, threads: 1);
        }
    }
}
