using System.Globalization;
using System.Runtime.CompilerServices;

namespace Manabi.Text.PreTokenizers.Regex;

/// <summary>The split patterns of real tokenizer.json files that get a hand-written scanner.</summary>
internal enum KnownPattern
{
    /// <summary>GPT-2, ByteLevel's default, tiktoken's r50k/p50k.</summary>
    Gpt2,
    /// <summary>Llama-3 and tiktoken's cl100k (digits in runs of up to three).</summary>
    Cl100k,
    /// <summary>Qwen: cl100k with single digits.</summary>
    Qwen,
    /// <summary>tiktoken's o200k (gpt-4o): case-aware words.</summary>
    O200k,
    /// <summary>DeepSeek-V3's first split: digits in runs of up to three.</summary>
    DeepSeekDigits,
    /// <summary>DeepSeek-V3's second split: runs of CJK ideographs and kana.</summary>
    DeepSeekCjk,
    /// <summary>DeepSeek-V3's third split: words, punctuation, spaces.</summary>
    DeepSeekWords,
}

internal static class KnownPatterns
{
    public const string Gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
    public const string Cl100k = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    public const string Qwen = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    public const string O200k = @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    public const string DeepSeekDigits = @"\p{N}{1,3}";
    public const string DeepSeekCjk = "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+";
    public const string DeepSeekWords = "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+";

    public static KnownPattern? Identify(string pattern) => pattern switch
    {
        Gpt2 => KnownPattern.Gpt2,
        Cl100k => KnownPattern.Cl100k,
        Qwen => KnownPattern.Qwen,
        O200k => KnownPattern.O200k,
        DeepSeekDigits => KnownPattern.DeepSeekDigits,
        DeepSeekCjk => KnownPattern.DeepSeekCjk,
        DeepSeekWords => KnownPattern.DeepSeekWords,
        _ => null,
    };

    public static ISplitPattern? TryCreate(string pattern) =>
        Identify(pattern) is { } known ? new KnownPatternScanner(known) : null;
}

/// <summary>
/// A hand-written, allocation-free scanner for one of the <see cref="KnownPattern"/>s: it walks code points and
/// reproduces Oniguruma's leftmost-first alternation and backtracking for these patterns exactly (proved against
/// the general path and HF tokenizers by the parity tests).
/// </summary>
internal sealed class KnownPatternScanner(KnownPattern kind) : ISplitPattern
{
    public KnownPattern Kind { get; } = kind;

    public void FindMatches(ReadOnlySpan<char> text, List<(int Start, int End, bool IsMatch)> output)
    {
        if (text.IsEmpty)
        {
            output.Add((0, 0, false));
            return;
        }
        int gap = -1;
        int p = 0;
        while (p < text.Length)
        {
            int end = MatchAt(text, p);
            if (end < 0)
            {
                if (gap < 0)
                {
                    gap = p;
                }
                p += Length(text, p);
                continue;
            }
            if (gap >= 0)
            {
                output.Add((gap, p, false));
                gap = -1;
            }
            output.Add((p, end, true));
            p = end;
        }
        if (gap >= 0)
        {
            output.Add((gap, text.Length, false));
        }
    }

    /// <summary>The end of the match that starts at <paramref name="p"/> (the leftmost-first alternative), or -1.</summary>
    public int MatchAt(ReadOnlySpan<char> text, int p) => Kind switch
    {
        KnownPattern.Gpt2 => Gpt2At(text, p),
        KnownPattern.Cl100k => Cl100kAt(text, p, maxDigits: 3),
        KnownPattern.Qwen => Cl100kAt(text, p, maxDigits: 1),
        KnownPattern.O200k => O200kAt(text, p),
        KnownPattern.DeepSeekDigits => Digits(text, p, 3),
        KnownPattern.DeepSeekCjk => CjkAt(text, p),
        _ => DeepSeekWordsAt(text, p),
    };

    // ---- character classes ----

    [Flags]
    private enum C : byte
    {
        None = 0,
        Letter = 1,
        Number = 2,
        Space = 4,
        /// <summary>[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]</summary>
        Upperish = 8,
        /// <summary>[\p{Ll}\p{Lm}\p{Lo}\p{M}]</summary>
        Lowerish = 16,
        /// <summary>\r or \n</summary>
        Newline = 32,
        Mark = 64,
        /// <summary>\p{P} or \p{S}</summary>
        PunctuationOrSymbol = 128,
    }

    private static readonly C[] Bmp = BuildBmp();

    private static C[] BuildBmp()
    {
        var table = new C[0x10000];
        for (int c = 0; c < table.Length; c++)
        {
            table[c] = c is >= 0xD800 and <= 0xDFFF ? C.None : Classify(c);
        }
        return table;
    }

    private static C Classify(int cp)
    {
        if (cp is '\r' or '\n')
        {
            return C.Space | C.Newline;
        }
        // Oniguruma's Unicode \s: 9-D, 85 and the Z categories.
        if (cp is (>= 9 and <= 13) or 0x85)
        {
            return C.Space;
        }
        return CharUnicodeInfo.GetUnicodeCategory(cp) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.TitlecaseLetter => C.Letter | C.Upperish,
            UnicodeCategory.LowercaseLetter => C.Letter | C.Lowerish,
            UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => C.Letter | C.Upperish | C.Lowerish,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark =>
                C.Mark | C.Upperish | C.Lowerish,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => C.Number,
            UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => C.Space,
            UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation or UnicodeCategory.MathSymbol
                or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol =>
                C.PunctuationOrSymbol,
            _ => C.None,
        };
    }

    /// <summary>The class of the code point at <paramref name="i"/> (a lone surrogate is an "other" character).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static C At(ReadOnlySpan<char> text, int i)
    {
        char c = text[i];
        if (!char.IsHighSurrogate(c) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
        {
            return Bmp[c];
        }
        return Classify(char.ConvertToUtf32(c, text[i + 1]));
    }

    /// <summary>UTF-16 length of the code point at <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Length(ReadOnlySpan<char> text, int i) =>
        char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;

    /// <summary>Index after the run of code points from <paramref name="i"/> whose class has any of <paramref name="any"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Run(ReadOnlySpan<char> text, int i, C any)
    {
        while (i < text.Length)
        {
            char c = text[i];
            if (c < 0xD800 || c > 0xDFFF)
            {
                if ((Bmp[c] & any) == 0)
                {
                    break;
                }
                i++;
            }
            else
            {
                if ((At(text, i) & any) == 0)
                {
                    break;
                }
                i += Length(text, i);
            }
        }
        return i;
    }

    /// <summary>Like <see cref="Run"/> for code points that are NOT in <paramref name="none"/>.</summary>
    private static int RunNot(ReadOnlySpan<char> text, int i, C none)
    {
        while (i < text.Length && (At(text, i) & none) == 0)
        {
            i += Length(text, i);
        }
        return i;
    }

    private static bool Is(ReadOnlySpan<char> text, int i, C any) => i < text.Length && (At(text, i) & any) != 0;

    /// <summary>[^\s\p{L}\p{N}] at <paramref name="i"/>.</summary>
    private static bool IsOther(ReadOnlySpan<char> text, int i) => i < text.Length && (At(text, i) & (C.Space | C.Letter | C.Number)) == 0;

    // ---- shared alternatives ----

    /// <summary>'s|'t|'re|'ve|'m|'ll|'d at <paramref name="p"/>, optionally with Oniguruma's case folding (which
    /// also lets 'ſ' match 's'); the end or -1.</summary>
    private static int Contraction(ReadOnlySpan<char> text, int p, bool ignoreCase)
    {
        if (p + 1 >= text.Length || text[p] != '\'')
        {
            return -1;
        }
        char a = text[p + 1];
        char b = p + 2 < text.Length ? text[p + 2] : '\0';
        if (ignoreCase)
        {
            a = a == '\u017F' ? 's' : a is >= 'A' and <= 'Z' ? (char)(a | 0x20) : a;
            b = b is >= 'A' and <= 'Z' ? (char)(b | 0x20) : b;
        }
        switch (a)
        {
            case 's' or 't' or 'm' or 'd':
                return p + 2;
            case 'r' or 'v' when b == 'e':
                return p + 3;
            case 'l' when b == 'l':
                return p + 3;
            default:
                return -1;
        }
    }

    /// <summary>\p{N}{1,max} at <paramref name="p"/>.</summary>
    private static int Digits(ReadOnlySpan<char> text, int p, int max)
    {
        int i = p;
        for (int n = 0; n < max && Is(text, i, C.Number); n++)
        {
            i += Length(text, i);
        }
        return i > p ? i : -1;
    }

    /// <summary>\s*[\r\n]+ | \s+(?!\S) | \s+ at <paramref name="p"/> (with or without the first alternative).</summary>
    private static int Whitespace(ReadOnlySpan<char> text, int p, bool newlineAlternative)
    {
        int q = Run(text, p, C.Space);
        if (q == p)
        {
            return -1;
        }
        if (newlineAlternative)
        {
            // \s* backtracks to the last \r or \n of the run; [\r\n]+ then takes it (the next one is not a newline).
            for (int k = q - 1; k >= p; k--)
            {
                char c = text[k];
                if (c is '\r' or '\n')
                {
                    return k + 1;
                }
            }
        }
        if (q == text.Length)
        {
            return q;
        }
        // \s+(?!\S): give back the last whitespace character, which is then followed by whitespace.
        int last = q - 1;
        if (char.IsLowSurrogate(text[last]) && last > p && char.IsHighSurrogate(text[last - 1]))
        {
            last--;
        }
        return last > p ? last : q;
    }

    // ---- the patterns ----

    private static int Gpt2At(ReadOnlySpan<char> text, int p)
    {
        int end = Contraction(text, p, ignoreCase: false);
        if (end >= 0)
        {
            return end;
        }
        int s = text[p] == ' ' ? p + 1 : p;
        if (s < text.Length)
        {
            C c = At(text, s);
            if ((c & C.Letter) != 0)
            {
                return Run(text, s, C.Letter);
            }
            if ((c & C.Number) != 0)
            {
                return Run(text, s, C.Number);
            }
            if ((c & C.Space) == 0)
            {
                return RunNot(text, s, C.Space | C.Letter | C.Number);
            }
        }
        return Whitespace(text, p, newlineAlternative: false);
    }

    private static int Cl100kAt(ReadOnlySpan<char> text, int p, int maxDigits)
    {
        int end = Contraction(text, p, ignoreCase: true);
        if (end >= 0)
        {
            return end;
        }
        C c = At(text, p);
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if ((c & (C.Newline | C.Letter | C.Number)) == 0)
        {
            int next = p + Length(text, p);
            if (Is(text, next, C.Letter))
            {
                return Run(text, next, C.Letter);
            }
        }
        if ((c & C.Letter) != 0)
        {
            return Run(text, p, C.Letter);
        }
        if ((c & C.Number) != 0)
        {
            return Digits(text, p, maxDigits);
        }
        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        int s = text[p] == ' ' ? p + 1 : p;
        if (IsOther(text, s))
        {
            int i = RunNot(text, s, C.Space | C.Letter | C.Number);
            while (i < text.Length && text[i] is '\r' or '\n')
            {
                i++;
            }
            return i;
        }
        return Whitespace(text, p, newlineAlternative: true);
    }

    private static int O200kAt(ReadOnlySpan<char> text, int p)
    {
        C c = At(text, p);
        bool prefix = (c & (C.Newline | C.Letter | C.Number)) == 0;
        int next = p + Length(text, p);
        // [^\r\n\p{L}\p{N}]?[ULM]*[LLM]+(?i:contraction)?  (the optional prefix is tried first)
        int end = prefix ? O200kLowerWord(text, next) : -1;
        if (end < 0)
        {
            end = O200kLowerWord(text, p);
        }
        if (end < 0)
        {
            // [^\r\n\p{L}\p{N}]?[ULM]+[LLM]*(?i:contraction)?
            end = prefix ? O200kUpperWord(text, next) : -1;
            if (end < 0)
            {
                end = O200kUpperWord(text, p);
            }
        }
        if (end >= 0)
        {
            int contraction = Contraction(text, end, ignoreCase: true);
            return contraction >= 0 ? contraction : end;
        }
        if ((c & C.Number) != 0)
        {
            return Digits(text, p, 3);
        }
        // ' ?[^\s\p{L}\p{N}]+[\r\n/]*'
        int s = text[p] == ' ' ? p + 1 : p;
        if (IsOther(text, s))
        {
            int i = RunNot(text, s, C.Space | C.Letter | C.Number);
            while (i < text.Length && text[i] is '\r' or '\n' or '/')
            {
                i++;
            }
            return i;
        }
        return Whitespace(text, p, newlineAlternative: true);
    }

    /// <summary>[ULM]*[LLM]+ at <paramref name="s"/>, with the regex's backtracking; the end or -1.</summary>
    private static int O200kLowerWord(ReadOnlySpan<char> text, int s)
    {
        if (s >= text.Length)
        {
            return -1;
        }
        int u = Run(text, s, C.Upperish);
        if (Is(text, u, C.Lowerish))
        {
            return Run(text, u, C.Lowerish);
        }
        // Give back upper-ish characters until the last one that is also lower-ish (Lm, Lo, M): [LLM]+ takes it alone.
        int r = u;
        while (r > s)
        {
            r--;
            if (char.IsLowSurrogate(text[r]) && r > s && char.IsHighSurrogate(text[r - 1]))
            {
                r--;
            }
            if ((At(text, r) & C.Lowerish) != 0)
            {
                return r + Length(text, r);
            }
        }
        return -1;
    }

    /// <summary>[ULM]+[LLM]* at <paramref name="s"/>; the end or -1.</summary>
    private static int O200kUpperWord(ReadOnlySpan<char> text, int s)
    {
        if (s >= text.Length)
        {
            return -1;
        }
        int u = Run(text, s, C.Upperish);
        return u == s ? -1 : Run(text, u, C.Lowerish);
    }

    private static int CjkAt(ReadOnlySpan<char> text, int p)
    {
        int i = p;
        while (i < text.Length && text[i] is (>= '\u4e00' and <= '\u9fa5') or (>= '\u3040' and <= '\u309f') or (>= '\u30a0' and <= '\u30ff'))
        {
            i++;
        }
        return i > p ? i : -1;
    }

    private static int DeepSeekWordsAt(ReadOnlySpan<char> text, int p)
    {
        char first = text[p];
        // [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+
        if (IsAsciiPunctuationOrSymbol(first) && p + 1 < text.Length && char.IsAsciiLetter(text[p + 1]))
        {
            int i = p + 1;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }
            return i;
        }
        C c = At(text, p);
        // [^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+
        if ((c & (C.Newline | C.Letter | C.PunctuationOrSymbol)) == 0)
        {
            int next = p + Length(text, p);
            if (Is(text, next, C.Letter | C.Mark))
            {
                return Run(text, next, C.Letter | C.Mark);
            }
        }
        if ((c & (C.Letter | C.Mark)) != 0)
        {
            return Run(text, p, C.Letter | C.Mark);
        }
        // ' ?[\p{P}\p{S}]+[\r\n]*'
        int s = first == ' ' ? p + 1 : p;
        if (Is(text, s, C.PunctuationOrSymbol))
        {
            int i = Run(text, s, C.PunctuationOrSymbol);
            while (i < text.Length && text[i] is '\r' or '\n')
            {
                i++;
            }
            return i;
        }
        return Whitespace(text, p, newlineAlternative: true);
    }

    /// <summary>The 32 ASCII punctuation and symbol characters.</summary>
    private static bool IsAsciiPunctuationOrSymbol(char c) =>
        c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~');
}
