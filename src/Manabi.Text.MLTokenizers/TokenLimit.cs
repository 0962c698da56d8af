using System.Buffers;

namespace Manabi.Text.MLTokenizers;

/// <summary>
/// Where a token limit may cut a text's tokens. A cut between token k-1 and token k is clean when every token before it
/// ends at or before the start of every token after it: byte-level BPE can split one character over several tokens
/// (each spanning the whole character), and a normalizer can expand one character into several tokens, and a cut between
/// such tokens would leave a character half counted. Cuts before the first and after the last token are always clean.
/// </summary>
internal static class TokenLimit
{
    /// <summary>
    /// The most leading tokens, at most <paramref name="budget"/>, that end at a clean cut; <paramref name="charsConsumed"/>
    /// is where their text ends (the whole text's length when every token is kept, 0 when none is).
    /// </summary>
    public static int FromStart(ReadOnlySpan<(int Start, int End)> offsets, int budget, int textLength, out int charsConsumed)
    {
        int n = offsets.Length;
        if (budget >= n)
        {
            charsConsumed = textLength;
            return n;
        }
        int[] minStartFrom = SuffixMinimumStarts(offsets);
        try
        {
            int best = 0;
            int bestEnd = 0;
            int maxEnd = 0;
            for (int k = 1; k <= budget; k++)
            {
                maxEnd = Math.Max(maxEnd, offsets[k - 1].End);
                if (maxEnd <= minStartFrom[k])
                {
                    best = k;
                    bestEnd = maxEnd;
                }
            }
            charsConsumed = bestEnd;
            return best;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(minStartFrom);
        }
    }

    /// <summary>
    /// The most trailing tokens, at most <paramref name="budget"/>, that start at a clean cut; <paramref name="index"/> is
    /// where their text starts (0 when every token is kept, the text's length when none is).
    /// </summary>
    public static int FromEnd(ReadOnlySpan<(int Start, int End)> offsets, int budget, int textLength, out int index)
    {
        int n = offsets.Length;
        if (budget >= n)
        {
            index = 0;
            return n;
        }
        int[] minStartFrom = SuffixMinimumStarts(offsets);
        try
        {
            // The end of the tokens before each cut, walking the cuts from the start.
            int best = 0;
            index = textLength;
            int maxEnd = 0;
            for (int cut = 1; cut < n; cut++)
            {
                maxEnd = Math.Max(maxEnd, offsets[cut - 1].End);
                if (n - cut <= budget && maxEnd <= minStartFrom[cut])
                {
                    // The first clean cut within the budget keeps the most tokens.
                    best = n - cut;
                    index = minStartFrom[cut];
                    break;
                }
            }
            return best;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(minStartFrom);
        }
    }

    /// <summary>Entry k: the smallest start among tokens k..n-1 (int.MaxValue at n), in a pooled array.</summary>
    private static int[] SuffixMinimumStarts(ReadOnlySpan<(int Start, int End)> offsets)
    {
        int n = offsets.Length;
        int[] minStartFrom = ArrayPool<int>.Shared.Rent(n + 1);
        minStartFrom[n] = int.MaxValue;
        for (int k = n - 1; k >= 0; k--)
        {
            minStartFrom[k] = Math.Min(offsets[k].Start, minStartFrom[k + 1]);
        }
        return minStartFrom;
    }
}
