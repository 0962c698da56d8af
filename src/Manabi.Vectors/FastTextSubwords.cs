using System.Text;

namespace Manabi.Vectors;

/// <summary>
/// fastText's character n-gram buckets: the n-grams (minn..maxn characters, counted in UTF-8 code points) of
/// "&lt;word&gt;", each hashed with 32-bit FNV-1a into one of <see cref="Buckets"/> rows. The hash XORs each byte as a
/// <em>signed</em> char widened to 32 bits (fastText's quirk), so bytes ≥ 0x80 flip the high bits too; reproducing
/// it is what makes non-ASCII words match fastText's vectors.
/// </summary>
/// <param name="MinN">Shortest n-gram in characters (fastText's minn).</param>
/// <param name="MaxN">Longest n-gram in characters (maxn); 0 means the model has no subwords.</param>
/// <param name="Buckets">Number of hash buckets (fastText's bucket).</param>
internal sealed record FastTextSubwords(int MinN, int MaxN, int Buckets)
{
    /// <summary>The end-of-sentence token fastText stores without subwords.</summary>
    public const string EndOfSentence = "</s>";

    /// <summary>fastText's FNV-1a over bytes, each byte sign-extended before the XOR.</summary>
    public static uint Hash(ReadOnlySpan<byte> bytes)
    {
        uint h = 2166136261;
        foreach (byte b in bytes)
        {
            h ^= (uint)(sbyte)b;
            h *= 16777619;
        }
        return h;
    }

    /// <summary>Adds the bucket (0-based, before the vocabulary offset) of every n-gram of "&lt;word&gt;" to <paramref name="buckets"/>.</summary>
    public void CollectBuckets(string word, List<int> buckets)
    {
        if (MaxN <= 0 || Buckets <= 0)
        {
            return;
        }
        byte[] wrapped = Encoding.UTF8.GetBytes("<" + word + ">");
        for (int i = 0; i < wrapped.Length; i++)
        {
            if (IsContinuation(wrapped[i]))
            {
                continue;
            }
            int j = i;
            for (int n = 1; j < wrapped.Length && n <= MaxN; n++)
            {
                j++;
                while (j < wrapped.Length && IsContinuation(wrapped[j]))
                {
                    j++;
                }
                // Single-character n-grams at the boundaries would only be the markers themselves.
                if (n >= MinN && !(n == 1 && (i == 0 || j == wrapped.Length)))
                {
                    buckets.Add((int)(Hash(wrapped.AsSpan(i, j - i)) % (uint)Buckets));
                }
            }
        }
    }

    /// <summary>
    /// fastText's vector for a word from rows of its input matrix: the mean, summed in float in order, of
    /// <paramref name="wordRow"/> (when given) and the word's bucket rows. Returns how many rows were averaged.
    /// </summary>
    /// <param name="word">The word (for its n-grams).</param>
    /// <param name="wordRow">The word's own row of <paramref name="wordRows"/>, or null for an out-of-vocabulary word.</param>
    /// <param name="wordRows">Row-major word rows (may be empty when <paramref name="wordRow"/> is null).</param>
    /// <param name="bucketRows">Row-major bucket rows (<see cref="Buckets"/> × dimensions).</param>
    /// <param name="destination">Receives the mean (zero when nothing was averaged).</param>
    /// <param name="scratch">Reusable list for the bucket ids.</param>
    public int Average(string word, int? wordRow, ReadOnlySpan<float> wordRows, ReadOnlySpan<float> bucketRows, Span<float> destination, List<int> scratch)
    {
        int dims = destination.Length;
        destination.Clear();
        int rows = 0;
        if (wordRow is int own)
        {
            Add(wordRows.Slice(own * dims, dims), destination);
            rows++;
        }
        scratch.Clear();
        if (word != EndOfSentence)
        {
            CollectBuckets(word, scratch);
        }
        foreach (int bucket in scratch)
        {
            Add(bucketRows.Slice(bucket * dims, dims), destination);
            rows++;
        }
        if (rows > 0)
        {
            // fastText multiplies by the float nearest 1/rows rather than dividing.
            float inverse = (float)(1.0 / rows);
            for (int d = 0; d < dims; d++)
            {
                destination[d] *= inverse;
            }
        }
        return rows;
    }

    private static void Add(ReadOnlySpan<float> row, Span<float> sum)
    {
        for (int d = 0; d < sum.Length; d++)
        {
            sum[d] += row[d];
        }
    }

    private static bool IsContinuation(byte b) => (b & 0xC0) == 0x80;
}
