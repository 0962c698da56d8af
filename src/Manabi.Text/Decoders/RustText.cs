using System.Text;

namespace Manabi.Text;

/// <summary>String helpers that behave as Rust's std, where HF's components rely on its edge cases.</summary>
internal static class RustText
{
    /// <summary>
    /// Rust's <c>str::replace</c>: ordinal, left to right, non-overlapping; an empty <paramref name="from"/>
    /// inserts <paramref name="to"/> before every character and at the end (where .NET would throw).
    /// </summary>
    internal static string Replace(string text, string from, string to)
    {
        if (from.Length > 0)
        {
            return text.Replace(from, to, StringComparison.Ordinal);
        }
        var builder = new StringBuilder(text.Length + to.Length * (text.Length + 1));
        foreach (Rune rune in text.EnumerateRunes())
        {
            builder.Append(to).Append(rune.ToString());
        }
        return builder.Append(to).ToString();
    }
}
