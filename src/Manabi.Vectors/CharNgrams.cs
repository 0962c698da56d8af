using System.Text;

namespace Manabi.Vectors;

/// <summary>Character n-gram helpers shared by index building and out-of-vocabulary lookups (Magnitude's conventions).</summary>
internal static class CharNgrams
{
    /// <summary>Word boundary marker (U+F000, a private-use character), as in Magnitude.</summary>
    public const char Boundary = '\uF000';

    public static string Wrap(string key) => Boundary + key + Boundary;

    /// <summary>Shrinks runs of more than <paramref name="keep"/> identical characters to <paramref name="keep"/>.</summary>
    public static string ShrinkRuns(string key, int keep)
    {
        var sb = new StringBuilder(key.Length);
        int run = 0;
        for (int i = 0; i < key.Length; i++)
        {
            run = i > 0 && key[i] == key[i - 1] ? run + 1 : 1;
            if (run <= keep || key[i] == Boundary)
            {
                sb.Append(key[i]);
            }
        }
        return sb.ToString();
    }

    /// <summary>All n-grams of length <paramref name="n"/> in order (duplicates kept).</summary>
    public static List<string> OfLength(string key, int n)
    {
        var grams = new List<string>(Math.Max(0, key.Length - n + 1));
        for (int i = 0; i + n <= key.Length; i++)
        {
            grams.Add(key.Substring(i, n));
        }
        return grams;
    }

    public static ulong Hash(string gram) => XxHash.Hash64(Encoding.UTF8.GetBytes(gram));

    /// <summary>Distinct lower-cased n-grams of lengths min..max of the wrapped key: what the n-gram index stores.</summary>
    public static IEnumerable<string> IndexGrams(string key, int min, int max)
    {
        string wrapped = Wrap(key.ToLowerInvariant());
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (int n = min; n <= max; n++)
        {
            for (int i = 0; i + n <= wrapped.Length; i++)
            {
                set.Add(wrapped.Substring(i, n));
            }
        }
        return set;
    }
}
