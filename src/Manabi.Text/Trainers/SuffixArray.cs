namespace Manabi.Text;

/// <summary>
/// The frequent substrings behind <see cref="UnigramTrainer"/>'s seed pieces: a suffix array with its LCP array,
/// walked bottom-up to list every internal node of the suffix tree (a substring that occurs at least twice and is
/// followed by two different characters, or by the end), with its number of occurrences — the set that the esaxx
/// library gives HF. Prefix doubling keeps construction at O(n log² n) whatever the text (long runs of one letter
/// included).
/// </summary>
internal static class SuffixArray
{
    /// <summary>Builds the suffix array of <paramref name="text"/> (code points).</summary>
    public static int[] Build(int[] text)
    {
        int n = text.Length;
        var sa = new int[n];
        var rank = new int[n];
        var next = new int[n];
        var keys = new long[n];
        for (int i = 0; i < n; i++)
        {
            sa[i] = i;
            rank[i] = text[i];
        }
        for (int k = 1; n > 1; k <<= 1)
        {
            for (int i = 0; i < n; i++)
            {
                sa[i] = i;
                // A suffix that ends before i + k sorts first: rank + 1 leaves 0 for "nothing".
                keys[i] = ((long)rank[i] << 32) | (uint)(i + k < n ? rank[i + k] + 1 : 0);
            }
            var sortKeys = (long[])keys.Clone();
            Array.Sort(sortKeys, sa);
            int r = 0;
            next[sa[0]] = 0;
            for (int j = 1; j < n; j++)
            {
                if (sortKeys[j] != sortKeys[j - 1])
                {
                    r++;
                }
                next[sa[j]] = r;
            }
            (rank, next) = (next, rank);
            if (r == n - 1 || k >= n)
            {
                break;
            }
        }
        return sa;
    }

    /// <summary>Kasai's LCP: <c>lcp[i]</c> is the common prefix length of the suffixes at <c>sa[i - 1]</c> and <c>sa[i]</c>.</summary>
    public static int[] Lcp(int[] text, int[] sa)
    {
        int n = text.Length;
        var inverse = new int[n];
        for (int i = 0; i < n; i++)
        {
            inverse[sa[i]] = i;
        }
        var lcp = new int[n];
        int h = 0;
        for (int i = 0; i < n; i++)
        {
            if (inverse[i] == 0)
            {
                h = 0;
                continue;
            }
            int j = sa[inverse[i] - 1];
            while (i + h < n && j + h < n && text[i + h] == text[j + h])
            {
                h++;
            }
            lcp[inverse[i]] = h;
            if (h > 0)
            {
                h--;
            }
        }
        return lcp;
    }

    /// <summary>
    /// Every internal node of the suffix tree with a non-empty label: (start of one occurrence, length, occurrences).
    /// </summary>
    public static List<(int Start, int Length, int Count)> InternalNodes(int[] text)
    {
        var nodes = new List<(int, int, int)>();
        int n = text.Length;
        if (n == 0)
        {
            return nodes;
        }
        int[] sa = Build(text);
        int[] lcp = Lcp(text, sa);
        var stack = new Stack<(int Depth, int Left)>();
        stack.Push((0, 0));
        for (int i = 1; i <= n; i++)
        {
            int depth = i < n ? lcp[i] : 0;
            int left = i - 1;
            while (depth < stack.Peek().Depth)
            {
                var (d, l) = stack.Pop();
                nodes.Add((sa[l], d, i - l));
                left = l;
            }
            if (depth > stack.Peek().Depth)
            {
                stack.Push((depth, left));
            }
        }
        return nodes;
    }
}
