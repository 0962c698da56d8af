namespace Manabi.Text;

/// <summary>
/// HF's <c>ByteLevel</c> post-processor: adds no tokens; with <see cref="TrimOffsets"/> it moves token offsets past the
/// spaces a byte-level token carries (<c>Ġ</c>), keeping the one space the pre-tokenizer added in front.
/// </summary>
public sealed class ByteLevelPostProcessor : IPostProcessor, IEncodingsProcessor
{
    private const char ByteLevelSpace = '\u0120';

    /// <summary>Creates the processor; <paramref name="useRegex"/> is only kept so that the tokenizer.json round-trips.</summary>
    public ByteLevelPostProcessor(bool trimOffsets = true, bool addPrefixSpace = true, bool useRegex = true)
    {
        (TrimOffsets, AddPrefixSpace, UseRegex) = (trimOffsets, addPrefixSpace, useRegex);
    }

    /// <summary>Whether offsets are trimmed.</summary>
    public bool TrimOffsets { get; }

    /// <summary>Whether the first token's single leading space was added (and so is kept in its offsets).</summary>
    public bool AddPrefixSpace { get; }

    /// <summary>The pre-tokenizer's <c>use_regex</c>, which the shared JSON block carries.</summary>
    public bool UseRegex { get; }

    /// <inheritdoc/>
    public int AddedTokens(bool isPair) => 0;

    /// <inheritdoc/>
    public TokenEncoding Process(TokenEncoding first, TokenEncoding? second, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(first);
        return PostProcessing.Process(this, first, second, addSpecialTokens);
    }

    List<TokenEncoding> IEncodingsProcessor.ProcessEncodings(List<TokenEncoding> encodings, bool addSpecialTokens)
    {
        if (TrimOffsets)
        {
            foreach (var encoding in encodings)
            {
                ProcessOffsets(encoding, AddPrefixSpace);
                foreach (var window in encoding.OverflowingList)
                {
                    ProcessOffsets(window, AddPrefixSpace);
                }
            }
        }
        for (int i = 0; i < encodings.Count; i++)
        {
            encodings[i].SetSequenceId(i);
        }
        return encodings;
    }

    /// <summary>HF's <c>process_offsets</c>: counts spaces in characters, which equal UTF-16 units for every space.</summary>
    internal static void ProcessOffsets(TokenEncoding encoding, bool addPrefixSpace)
    {
        var tokens = encoding.TokenArray;
        // A copy: encodings cloned by a template may share their arrays.
        var offsets = encoding.OffsetArray.ToArray();
        for (int i = 0; i < tokens.Length; i++)
        {
            string token = tokens[i];
            int leading = 0;
            while (leading < token.Length && IsSpace(token[leading]))
            {
                leading++;
            }
            int trailing = 0;
            while (trailing < token.Length && IsSpace(token[token.Length - 1 - trailing]))
            {
                trailing++;
            }
            if (leading == 0 && trailing == 0)
            {
                continue;
            }
            var (start, end) = offsets[i];
            if (leading > 0)
            {
                bool isFirst = i == 0 || start == 0;
                if (isFirst && addPrefixSpace && leading == 1)
                {
                    leading = 0;
                }
                start = Math.Min(start + leading, end);
            }
            if (trailing > 0 && end >= trailing)
            {
                end = Math.Max(end - trailing, start);
            }
            offsets[i] = (start, end);
        }
        encoding.ReplaceOffsets(offsets);
    }

    private static bool IsSpace(char c) => c == ByteLevelSpace || NormalizedText.IsWhitespace(c);
}
