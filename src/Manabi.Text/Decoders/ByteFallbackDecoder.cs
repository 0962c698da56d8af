using System.Globalization;
using System.Text;

namespace Manabi.Text;

/// <summary>
/// HF's ByteFallback decoder: runs of <c>&lt;0xXX&gt;</c> tokens become the text their bytes spell in UTF-8; a run
/// that is not valid UTF-8 becomes one U+FFFD per byte. Other tokens pass through.
/// </summary>
public sealed class ByteFallbackDecoder : ITokenDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The shared instance (the decoder has no settings).</summary>
    public static ByteFallbackDecoder Instance { get; } = new();

    /// <inheritdoc/>
    public void DecodeChain(List<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var output = new List<string>(tokens.Count);
        var pending = new List<byte>();
        foreach (string token in tokens)
        {
            if (TryParseByte(token, out byte value))
            {
                pending.Add(value);
                continue;
            }
            Flush(pending, output);
            output.Add(token);
        }
        Flush(pending, output);
        tokens.Clear();
        tokens.AddRange(output);
    }

    private static void Flush(List<byte> pending, List<string> output)
    {
        if (pending.Count == 0)
        {
            return;
        }
        try
        {
            output.Add(StrictUtf8.GetString(pending.ToArray()));
        }
        catch (DecoderFallbackException)
        {
            for (int i = 0; i < pending.Count; i++)
            {
                output.Add("\uFFFD");
            }
        }
        pending.Clear();
    }

    /// <summary>
    /// HF's test: six UTF-8 bytes, <c>&lt;0x</c> ... <c>&gt;</c>, the middle two parsed by Rust's
    /// <c>u8::from_str_radix(_, 16)</c> (which also takes a leading <c>+</c>).
    /// </summary>
    internal static bool TryParseByte(string token, out byte value)
    {
        value = 0;
        if (token.Length != 6 || !token.StartsWith("<0x", StringComparison.Ordinal) || token[5] != '>')
        {
            // A six-byte token with non-ASCII in the middle fails Rust's parse anyway.
            return false;
        }
        ReadOnlySpan<char> digits = token.AsSpan(3, 2);
        if (digits[0] == '+')
        {
            digits = digits[1..];
        }
        foreach (char c in digits)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        value = byte.Parse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return true;
    }
}
