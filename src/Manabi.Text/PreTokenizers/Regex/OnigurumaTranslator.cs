using System.Globalization;
using System.Text;

namespace Manabi.Text;

/// <summary>
/// Translates an Oniguruma pattern (HF tokenizers' <c>Regex</c> split patterns) into a .NET pattern that runs over
/// "one UTF-16 unit per code point" text: every astral code point of the input is replaced by a BMP stand-in of the
/// same general category before matching (see <see cref="GeneralRegexPattern"/>), so classes, <c>.</c> and counted
/// repeats see whole code points as Oniguruma does. Constructs with no faithful .NET equivalent throw
/// <see cref="NotSupportedException"/> naming them.
/// </summary>
internal sealed class OnigurumaTranslator
{
    private static readonly HashSet<string> Categories =
    [
        "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Ps", "Pe", "Pi",
        "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Cs", "Co", "Cn",
    ];

    // Oniguruma's Unicode \w: Letter | Mark | Number | Connector_Punctuation (.NET's lacks No, Nl, Mc, Me).
    // Oniguruma's Unicode \w (measured against HF tokenizers over every code point): L, M, Nd, Nl, Pc, the
    // Latin-1 digits-like ²³¹¼½¾, the circled letters U+24B6-24E9 and the astral squared/circled letters below.
    private const string WordBmp = @"\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc}\u00B2\u00B3\u00B9\u00BC-\u00BE\u24B6-\u24E9";
    private static readonly (int First, int Last)[] WordAstral = [(0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189)];

    private string Word
    {
        get
        {
            Literals.Add((0xB2, 0xB3));
            Literals.Add((0xB9, 0xB9));
            Literals.Add((0xBC, 0xBE));
            Literals.Add((0x24B6, 0x24E9));
            var sb = new StringBuilder(WordBmp);
            foreach (var (first, last) in WordAstral)
            {
                for (int cp = first; cp <= last; cp++)
                {
                    AstralLiterals.TryAdd(cp, '\0');
                    sb.Append('\uFFFF').Append(cp.ToString("X", CultureInfo.InvariantCulture)).Append(';');
                }
            }
            return sb.ToString();
        }
    }

    private readonly string pattern;
    private readonly StringBuilder output = new();
    private int position;
    private int lastAtomStart = -1;
    private bool ignoreCase;

    /// <summary>BMP code point ranges the pattern names literally (stand-ins must avoid them).</summary>
    public List<(int First, int Last)> Literals { get; } = [];

    /// <summary>Astral code points the pattern names literally, each given its own BMP stand-in.</summary>
    public Dictionary<int, char> AstralLiterals { get; } = [];

    private OnigurumaTranslator(string pattern) => this.pattern = pattern;

    /// <summary>Translates <paramref name="pattern"/>; <see cref="AstralLiterals"/> must be assigned stand-ins
    /// before the returned text is complete, so the translation emits placeholders resolved by <see cref="Finish"/>.</summary>
    public static OnigurumaTranslator Translate(string pattern)
    {
        var t = new OnigurumaTranslator(pattern);
        t.Sequence(topLevel: true);
        return t;
    }

    /// <summary>The .NET pattern, with each astral literal replaced by its stand-in.</summary>
    public string Finish(IReadOnlyDictionary<int, char> standIns)
    {
        var text = output.ToString();
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            // Placeholder: U+FFFF followed by the code point in hex and ';' (U+FFFF cannot occur in a valid pattern).
            if (text[i] == '\uFFFF')
            {
                int end = text.IndexOf(';', i);
                int cp = int.Parse(text.AsSpan(i + 1, end - i - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                sb.Append(@"\u").Append(((int)standIns[cp]).ToString("X4", CultureInfo.InvariantCulture));
                i = end;
            }
            else
            {
                sb.Append(text[i]);
            }
        }
        return sb.ToString();
    }

    private NotSupportedException Unsupported(string what) =>
        new($"regex pattern '{pattern}': {what} (at character {position}) is not supported by the .NET translation of Oniguruma patterns");

    private bool AtEnd => position >= pattern.Length;

    private char Peek(int ahead = 0) => position + ahead < pattern.Length ? pattern[position + ahead] : '\0';

    private void Sequence(bool topLevel)
    {
        while (!AtEnd)
        {
            char c = pattern[position];
            switch (c)
            {
                case '|':
                    output.Append('|');
                    position++;
                    lastAtomStart = -1;
                    break;
                case ')':
                    if (topLevel)
                    {
                        throw new ArgumentException($"regex pattern '{pattern}': unmatched ')' at character {position}");
                    }
                    return;
                case '(':
                    Group();
                    break;
                case '[':
                    lastAtomStart = output.Length;
                    CharacterClass();
                    break;
                case '*' or '+' or '?' or '{':
                    Quantifier();
                    break;
                case '^':
                    // Oniguruma's ^ and $ are line anchors (newline = \n) whatever the options.
                    lastAtomStart = -1;
                    output.Append("(?m:^)");
                    position++;
                    break;
                case '$':
                    lastAtomStart = -1;
                    output.Append("(?m:$)");
                    position++;
                    break;
                case '.':
                    lastAtomStart = output.Length;
                    output.Append('.');
                    position++;
                    break;
                case '\\':
                    lastAtomStart = output.Length;
                    Escape(inClass: false);
                    break;
                default:
                    lastAtomStart = output.Length;
                    Literal(ReadCodePoint());
                    break;
            }
        }
        if (!topLevel)
        {
            throw new ArgumentException($"regex pattern '{pattern}': missing ')'");
        }
    }

    private int ReadCodePoint()
    {
        int length = char.IsHighSurrogate(pattern[position]) && position + 1 < pattern.Length && char.IsLowSurrogate(pattern[position + 1]) ? 2 : 1;
        int cp = length == 2 ? char.ConvertToUtf32(pattern[position], pattern[position + 1]) : pattern[position];
        position += length;
        return cp;
    }

    private void Group()
    {
        int start = output.Length;
        bool outerIgnoreCase = ignoreCase;
        position++;
        if (Peek() == '?')
        {
            char kind = Peek(1);
            switch (kind)
            {
                case ':' or '=' or '!' or '>':
                    output.Append("(?").Append(kind);
                    position += 2;
                    break;
                case '<' when Peek(2) is '=' or '!':
                    output.Append("(?<").Append(Peek(2));
                    position += 3;
                    break;
                case '<' or '\'':
                {
                    char close = kind == '<' ? '>' : '\'';
                    int end = pattern.IndexOf(close, position + 2);
                    if (end < 0)
                    {
                        throw new ArgumentException($"regex pattern '{pattern}': unterminated group name at character {position}");
                    }
                    output.Append("(?<").Append(pattern, position + 2, end - position - 2).Append('>');
                    position = end + 1;
                    break;
                }
                case '#':
                {
                    int end = pattern.IndexOf(')', position);
                    position = end < 0 ? pattern.Length : end + 1;
                    return;
                }
                case 'i' or '-' or 'm':
                    if (Options())
                    {
                        return;
                    }
                    break;
                case '~':
                    throw Unsupported("the absent operator (?~...)");
                case '(':
                    throw Unsupported("a conditional group (?(...)...)");
                default:
                    throw Unsupported($"the group kind '(?{kind}'");
            }
        }
        else
        {
            output.Append('(');
        }
        Sequence(topLevel: false);
        if (AtEnd)
        {
            throw new ArgumentException($"regex pattern '{pattern}': missing ')'");
        }
        output.Append(')');
        position++;
        ignoreCase = outerIgnoreCase;
        lastAtomStart = start;
    }

    /// <summary>Reads <c>(?imx-imx)</c> or <c>(?imx-imx:</c>; returns true for the former (no group body).</summary>
    private bool Options()
    {
        position++;
        var sb = new StringBuilder("(?");
        bool on = true;
        while (!AtEnd && pattern[position] is not (':' or ')'))
        {
            char o = pattern[position++];
            if (o == '-')
            {
                on = false;
            }
            else if (o == 'i')
            {
                ignoreCase = on;
            }
            // Oniguruma's (?m) is "dot matches newline", .NET's (?s).
            sb.Append(o switch
            {
                'i' => 'i',
                'm' => 's',
                '-' => '-',
                _ => throw Unsupported($"the inline option '{o}'"),
            });
        }
        if (AtEnd)
        {
            throw new ArgumentException($"regex pattern '{pattern}': unterminated option group");
        }
        bool alone = pattern[position] == ')';
        sb.Append(pattern[position++]);
        output.Append(sb);
        // (?i) alone applies to the rest of the enclosing group in both engines.
        lastAtomStart = -1;
        return alone;
    }

    private void Quantifier()
    {
        if (lastAtomStart < 0)
        {
            throw new ArgumentException($"regex pattern '{pattern}': quantifier without a target at character {position}");
        }
        int atom = lastAtomStart;
        char c = pattern[position];
        string quantifier;
        if (c == '{')
        {
            int end = pattern.IndexOf('}', position);
            string body = end < 0 ? "" : pattern.Substring(position + 1, end - position - 1);
            if (end < 0 || !IsInterval(body))
            {
                // Not an interval: Oniguruma reads '{' as a literal.
                lastAtomStart = output.Length;
                output.Append(@"\{");
                Literals.Add(('{', '{'));
                position++;
                return;
            }
            if (body.StartsWith(','))
            {
                body = "0" + body; // Oniguruma's {,n} is {0,n}.
            }
            quantifier = "{" + body + "}";
            position = end + 1;
            if (Peek() == '+')
            {
                // In Oniguruma syntax an interval followed by '+' is not possessive but a repeat of the repeat.
                output.Insert(atom, "(?:").Append(quantifier).Append(")+");
                position++;
                lastAtomStart = -1;
                return;
            }
        }
        else
        {
            quantifier = c.ToString();
            position++;
            if (Peek() == '+')
            {
                // Possessive: an atomic group around the greedy repeat.
                output.Insert(atom, "(?>").Append(quantifier).Append(')');
                position++;
                lastAtomStart = -1;
                return;
            }
        }
        output.Append(quantifier);
        if (Peek() == '?')
        {
            output.Append('?');
            position++;
        }
        lastAtomStart = -1;
    }

    private static bool IsInterval(string body)
    {
        if (body.Length == 0)
        {
            return false;
        }
        int comma = body.IndexOf(',');
        if (comma < 0)
        {
            return body.All(char.IsAsciiDigit);
        }
        string low = body[..comma], high = body[(comma + 1)..];
        return low.All(char.IsAsciiDigit) && high.All(char.IsAsciiDigit) && (low.Length > 0 || high.Length > 0);
    }

    private void CharacterClass()
    {
        position++;
        output.Append('[');
        if (Peek() == '^')
        {
            output.Append('^');
            position++;
        }
        bool first = true;
        while (true)
        {
            if (AtEnd)
            {
                throw new ArgumentException($"regex pattern '{pattern}': unterminated character class");
            }
            char c = pattern[position];
            if (c == ']' && !first)
            {
                position++;
                output.Append(']');
                return;
            }
            first = false;
            if (c == '[')
            {
                throw Unsupported(Peek(1) == ':' ? "a POSIX bracket [:name:]" : "a nested character class");
            }
            if (c == '&' && Peek(1) == '&')
            {
                throw Unsupported("a character class intersection &&");
            }
            int low;
            if (c == '\\')
            {
                int? single = Escape(inClass: true);
                if (single is null)
                {
                    continue; // a class escape such as \p{L} or \s was emitted
                }
                low = single.Value;
            }
            else
            {
                low = ReadCodePoint();
            }
            bool range = low != '-' && Peek() == '-' && Peek(1) != ']' && Peek(1) != '\0';
            EmitClassLiteral(low, range);
            if (!range)
            {
                continue;
            }
            position++;
            int high;
            if (Peek() == '\\')
            {
                high = Escape(inClass: true) ?? throw Unsupported("a range ending in a class escape");
            }
            else
            {
                high = ReadCodePoint();
            }
            if (high < low)
            {
                throw new ArgumentException($"regex pattern '{pattern}': empty range in character class at character {position}");
            }
            if (high > 0xFFFF)
            {
                throw Unsupported("a character class range reaching astral code points");
            }
            output.Append('-').Append(EscapeForClass(high));
            Literals.Add((low, high));
        }
    }

    private void EmitClassLiteral(int cp, bool rangeFollows)
    {
        if (ignoreCase && !rangeFollows && cp <= 0xFFFF && CaseVariants(cp) is { Count: > 1 } variants)
        {
            foreach (char v in variants)
            {
                output.Append(EscapeForClass(v));
                Literals.Add((v, v));
            }
            return;
        }
        if (cp > 0xFFFF)
        {
            if (rangeFollows)
            {
                throw Unsupported("a character class range starting at an astral code point");
            }
            AstralLiterals.TryAdd(cp, '\0');
            output.Append('\uFFFF').Append(cp.ToString("X", CultureInfo.InvariantCulture)).Append(';');
            return;
        }
        output.Append(EscapeForClass(cp));
        if (!rangeFollows)
        {
            Literals.Add((cp, cp));
        }
    }

    /// <summary>
    /// The BMP characters Oniguruma's case-insensitive matching treats as <paramref name="cp"/> (simple case folding:
    /// 's' also matches 'ſ', 'k' the Kelvin sign). Multi-character folds (ß = ss, ligatures) have no .NET
    /// equivalent, so literals taking part in them are refused.
    /// </summary>
    private List<char> CaseVariants(int cp)
    {
        if (cp is 0xDF or 0x1E9E or (>= 0xFB00 and <= 0xFB06))
        {
            throw Unsupported($"a case-insensitive '{char.ConvertFromUtf32(cp)}' (Oniguruma matches its multi-character case fold)");
        }
        if (cp is 's' or 'S' or 't' or 'T' or 'f' or 'F' or 'i' or 'I' or 'l' or 'L')
        {
            char previous = position >= 2 ? char.ToLowerInvariant(pattern[position - 2]) : '\0';
            char current = char.ToLowerInvariant((char)cp);
            if ((previous, current) is ('s', 's') or ('s', 't') or ('f', 'f') or ('f', 'i') or ('f', 'l'))
            {
                throw Unsupported($"the case-insensitive sequence '{previous}{current}' (Oniguruma also matches a single character folding to it, e.g. ß or a ligature)");
            }
        }
        int key = Fold(cp);
        var variants = new List<char>();
        if (key == cp || Fold(cp) == key)
        {
            for (int c = 0; c < 0x10000; c++)
            {
                if (c is >= 0xD800 and <= 0xDFFF)
                {
                    continue;
                }
                if (Fold(c) == key)
                {
                    variants.Add((char)c);
                }
            }
        }
        return variants;
    }

    // Simple case folding: lower(upper(c)), except where .NET's invariant casing keeps a character to itself but
    // CaseFolding.txt folds it (ſ, the Kelvin and Angstrom signs, Greek symbol variants...); İ and ı fold to nothing.
    private static readonly Dictionary<int, int> FoldExceptions = new()
    {
        [0x17F] = 's', [0x212A] = 'k', [0x212B] = 0xE5, [0x2126] = 0x3C9, [0x3D0] = 0x3B2, [0x3D1] = 0x3B8,
        [0x3D5] = 0x3C6, [0x3D6] = 0x3C0, [0x3F0] = 0x3BA, [0x3F1] = 0x3C1, [0x3F5] = 0x3B5, [0x1E9B] = 0x1E61,
        [0x1FBE] = 0x3B9, [0x3C2] = 0x3C3, [0x345] = 0x3B9, [0xB5] = 0x3BC, [0x3F4] = 0x3B8, [0x1C80] = 0x432,
        [0x1C81] = 0x434, [0x1C82] = 0x43E, [0x1C83] = 0x441, [0x1C84] = 0x442, [0x1C85] = 0x442, [0x1C86] = 0x44A,
        [0x1C87] = 0x463, [0x1C88] = 0xA64B, [0x130] = 0x130, [0x131] = 0x131,
    };

    private static int Fold(int c) =>
        FoldExceptions.TryGetValue(c, out int f) ? f : char.ToLowerInvariant(char.ToUpperInvariant((char)c));

    private static string EscapeForClass(int cp) =>
        char.IsAsciiLetterOrDigit((char)cp) ? ((char)cp).ToString() : @"\u" + cp.ToString("X4", CultureInfo.InvariantCulture);

    private void Literal(int cp)
    {
        if (ignoreCase && cp <= 0xFFFF && CaseVariants(cp) is { Count: > 1 } variants)
        {
            output.Append('[');
            foreach (char v in variants)
            {
                output.Append(EscapeForClass(v));
                Literals.Add((v, v));
            }
            output.Append(']');
            return;
        }
        if (cp > 0xFFFF)
        {
            AstralLiterals.TryAdd(cp, '\0');
            output.Append('\uFFFF').Append(cp.ToString("X", CultureInfo.InvariantCulture)).Append(';');
            return;
        }
        Literals.Add((cp, cp));
        output.Append(EscapeForClass(cp));
    }

    /// <summary>
    /// Reads an escape. Outside a class it emits the translation. Inside a class it emits class escapes and returns
    /// null, or returns a single code point without emitting it when a range may follow.
    /// </summary>
    private int? Escape(bool inClass)
    {
        int at = position;
        position++;
        if (AtEnd)
        {
            throw new ArgumentException($"regex pattern '{pattern}': trailing backslash");
        }
        char c = pattern[position++];
        switch (c)
        {
            case 'p' or 'P':
            {
                bool negated = c == 'P';
                if (Peek() != '{')
                {
                    throw new ArgumentException($"regex pattern '{pattern}': \\{c} without {{name}} at character {at}");
                }
                int end = pattern.IndexOf('}', position);
                if (end < 0)
                {
                    throw new ArgumentException($"regex pattern '{pattern}': unterminated \\{c}{{...}} at character {at}");
                }
                string name = pattern.Substring(position + 1, end - position - 1);
                position = end + 1;
                if (name.StartsWith('^'))
                {
                    negated = !negated;
                    name = name[1..];
                }
                name = name.Replace("_", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
                string? category = Categories.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                if (category is null)
                {
                    throw Unsupported($"the property \\p{{{name}}} (only general categories are translated)");
                }
                output.Append(negated ? @"\P{" : @"\p{").Append(category).Append('}');
                return null;
            }
            case 's' or 'S' or 'd' or 'D':
                // Oniguruma's Unicode \s (9-D, 85, Z*) and \d (Nd) equal .NET's.
                output.Append('\\').Append(c);
                return null;
            case 'w':
                output.Append(inClass ? Word : "[" + Word + "]");
                return null;
            case 'W':
                if (inClass)
                {
                    throw Unsupported(@"\W inside a character class");
                }
                output.Append("[^" + Word + "]");
                return null;
            case 'h':
                output.Append(inClass ? "0-9a-fA-F" : "[0-9a-fA-F]");
                Literals.Add(('0', '9'));
                Literals.Add(('a', 'f'));
                Literals.Add(('A', 'F'));
                return null;
            case 'H':
                if (inClass)
                {
                    throw Unsupported(@"\H inside a character class");
                }
                output.Append("[^0-9a-fA-F]");
                return null;
            case 'b' when !inClass:
                string w = Word;
                output.Append($"(?:(?<=[{w}])(?![{w}])|(?<![{w}])(?=[{w}]))");
                return null;
            case 'B' when !inClass:
                string w2 = Word;
                output.Append($"(?:(?<=[{w2}])(?=[{w2}])|(?<![{w2}])(?![{w2}]))");
                return null;
            case 'A' or 'z' or 'Z' or 'G' when !inClass:
                output.Append('\\').Append(c);
                return null;
            case 'K' or 'R' or 'X' or 'g' or 'k' or 'N' or 'O' or 'y' or 'Y':
                throw Unsupported($"the escape \\{c}");
            case >= '1' and <= '9' when !inClass:
                throw Unsupported($"the back reference \\{c}");
        }
        int cp = c switch
        {
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            'f' => '\f',
            'v' => '\v',
            'a' => '\a',
            'e' => '\u001B',
            'x' => HexEscape(),
            'u' => HexDigits(4, 4),
            '0' => OctalEscape(),
            _ when char.IsAsciiLetterOrDigit(c) => throw Unsupported($"the escape \\{c}"),
            _ when char.IsHighSurrogate(c) && position < pattern.Length => char.ConvertToUtf32(c, pattern[position++]),
            _ => c,
        };
        if (inClass)
        {
            return cp;
        }
        Literal(cp);
        return null;
    }

    private int HexEscape()
    {
        if (Peek() == '{')
        {
            int end = pattern.IndexOf('}', position);
            if (end < 0)
            {
                throw new ArgumentException($"regex pattern '{pattern}': unterminated \\x{{...}}");
            }
            int cp = int.Parse(pattern.AsSpan(position + 1, end - position - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            position = end + 1;
            return cp;
        }
        return HexDigits(1, 2);
    }

    private int HexDigits(int min, int max)
    {
        int start = position;
        while (position - start < max && char.IsAsciiHexDigit(Peek()))
        {
            position++;
        }
        if (position - start < min)
        {
            throw new ArgumentException($"regex pattern '{pattern}': bad hexadecimal escape at character {start}");
        }
        return int.Parse(pattern.AsSpan(start, position - start), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private int OctalEscape()
    {
        int value = 0;
        int digits = 0;
        while (digits < 2 && Peek() is >= '0' and <= '7')
        {
            value = value * 8 + (pattern[position++] - '0');
            digits++;
        }
        return value;
    }
}

