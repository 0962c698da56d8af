namespace Manabi.Text;

/// <summary>
/// Parses a JSON number to a double exactly as serde_json does without its <c>float_roundtrip</c> feature (as HF
/// tokenizers builds it): the decimal digits that fit a u64, then one multiply or divide by a power of ten. That is not
/// always the nearest double (.NET's parse is), and a Unigram piece whose score is one ulp off can flip a tie in
/// the Viterbi search, so scores are read HF's way.
/// </summary>
internal static class SerdeFloat
{
    private static readonly double[] PowersOfTen = Enumerable.Range(0, 309)
        .Select(k => double.Parse("1e" + k, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private const ulong Limit = ulong.MaxValue / 10;
    private const ulong LimitDigit = ulong.MaxValue % 10;

    /// <summary>Parses a JSON number's text (as <c>JsonElement.GetRawText</c> gives it); false when it is none or out of range.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        int i = 0;
        bool positive = true;
        if (i < text.Length && text[i] == '-')
        {
            positive = false;
            i++;
        }
        if (i >= text.Length || !char.IsAsciiDigit(text[i]))
        {
            return false;
        }
        ulong significand = 0;
        int exponent = 0;
        bool overflowed = false;
        // Integer part: digits past the u64 only scale the exponent.
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            ulong digit = (ulong)(text[i] - '0');
            if (overflowed || Overflows(significand, digit))
            {
                overflowed = true;
                exponent++;
            }
            else
            {
                significand = significand * 10 + digit;
            }
            i++;
        }
        if (i < text.Length && text[i] == '.')
        {
            i++;
            int digits = 0;
            // serde starts the fraction afresh: after a long integer part a small digit may still fit.
            bool dropped = false;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                ulong digit = (ulong)(text[i] - '0');
                // From the first fraction digit that does not fit, the rest are dropped.
                if (!dropped && Overflows(significand, digit))
                {
                    dropped = true;
                }
                if (!dropped)
                {
                    significand = significand * 10 + digit;
                    exponent--;
                }
                digits++;
                i++;
            }
            if (digits == 0)
            {
                return false;
            }
        }
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            i++;
            bool positiveExponent = true;
            if (i < text.Length && (text[i] == '+' || text[i] == '-'))
            {
                positiveExponent = text[i] == '+';
                i++;
            }
            if (i >= text.Length || !char.IsAsciiDigit(text[i]))
            {
                return false;
            }
            long e = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                e = Math.Min(e * 10 + (text[i] - '0'), int.MaxValue);
                i++;
            }
            if (e >= int.MaxValue)
            {
                if (significand != 0 && positiveExponent)
                {
                    return false;
                }
                value = positive ? 0.0 : -0.0;
                return i == text.Length;
            }
            exponent = (int)Math.Clamp(positiveExponent ? (long)exponent + e : (long)exponent - e, int.MinValue, int.MaxValue);
        }
        if (i != text.Length)
        {
            return false;
        }
        double f = significand;
        while (true)
        {
            int magnitude = exponent == int.MinValue ? int.MaxValue : Math.Abs(exponent);
            if (magnitude < PowersOfTen.Length)
            {
                if (exponent >= 0)
                {
                    f *= PowersOfTen[magnitude];
                    if (double.IsInfinity(f))
                    {
                        return false;
                    }
                }
                else
                {
                    f /= PowersOfTen[magnitude];
                }
                break;
            }
            if (f == 0)
            {
                break;
            }
            if (exponent >= 0)
            {
                return false;
            }
            f /= 1e308;
            exponent += 308;
        }
        value = positive ? f : -f;
        return true;
    }

    private static bool Overflows(ulong significand, ulong digit) =>
        significand >= Limit && (significand > Limit || digit > LimitDigit);
}
