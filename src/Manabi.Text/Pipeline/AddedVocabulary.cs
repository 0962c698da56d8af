using System.Globalization;

namespace Manabi.Text;

/// <summary>
/// HF's <c>AddedVocabulary</c>: the added tokens, their ids, and the two leftmost-longest matchers that cut them out
/// of a text before the model runs (tokens with <c>normalized: false</c> on the raw text, the others on each
/// normalized piece).
/// </summary>
internal sealed class AddedVocabulary
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, AddedToken> _tokens = [];
    private readonly HashSet<string> _special = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _normalizedForms = [];
    private readonly TokenTrie? _rawTrie;
    private readonly TokenTrie? _normalizedTrie;
    private readonly ITextNormalizer? _normalizer;
    private readonly Action<int, NormalizedText, List<(NormalizedText, ModelToken[]?)>> _splitRaw;
    private readonly Action<int, NormalizedText, List<(NormalizedText, ModelToken[]?)>> _splitNormalized;

    /// <summary>HF's <c>add_tokens</c> on an empty vocabulary: ids come from the model or follow its vocabulary.</summary>
    public AddedVocabulary(IEnumerable<AddedToken> tokens, ITokenizationModel model, ITextNormalizer? normalizer)
    {
        _normalizer = normalizer;
        _splitRaw = (_, piece, output) => SplitWithIndices(piece, _rawTrie, output);
        _splitNormalized = (_, piece, output) =>
        {
            _normalizer?.Normalize(piece);
            SplitWithIndices(piece, _normalizedTrie, output);
        };
        int nextId = model.VocabularySize;
        foreach (var token in tokens)
        {
            if (token.Content.Length == 0)
            {
                continue;
            }
            if (_ids.TryGetValue(token.Content, out int existing) && _tokens[existing] == token with { Id = existing })
            {
                continue;
            }
            int id = _ids.TryGetValue(token.Content, out int known) ? known
                : model.TryGetId(token.Content, out int modelId) ? modelId
                : nextId++;
            if (token.Normalized && normalizer is not null)
            {
                var text = new NormalizedText(token.Content);
                normalizer.Normalize(text);
                if (text.Normalized != token.Content)
                {
                    _normalizedForms[id] = text.Normalized;
                }
            }
            _ids[token.Content] = id;
            if (token.Special)
            {
                _special.Add(token.Content);
            }
            _tokens[id] = token with { Id = id };
        }
        var raw = new List<(string, int)>();
        var normalized = new List<(string, int)>();
        foreach (var (id, token) in _tokens)
        {
            if (token.Normalized)
            {
                normalized.Add((_normalizedForms.GetValueOrDefault(id, token.Content), id));
            }
            else
            {
                raw.Add((token.Content, id));
            }
        }
        _rawTrie = raw.Count > 0 ? new TokenTrie(raw) : null;
        _normalizedTrie = normalized.Count > 0 ? new TokenTrie(normalized) : null;
    }

    /// <summary>The added tokens in id order, each with the id it was given.</summary>
    public IReadOnlyCollection<AddedToken> Tokens => _tokens.Values;

    /// <summary>Number of distinct contents.</summary>
    public int Count => _ids.Count;

    /// <summary>Whether there are no added tokens.</summary>
    public bool IsEmpty => _ids.Count == 0;

    public bool TryGetId(string content, out int id) => _ids.TryGetValue(content, out id);

    public bool ContainsContent(string content) => _ids.ContainsKey(content);

    /// <summary>HF's <c>simple_id_to_token</c>: the normalized form for normalized tokens whose form differs.</summary>
    public string? GetToken(int id) => _tokens.TryGetValue(id, out var token)
        ? _normalizedForms.GetValueOrDefault(id, token.Content)
        : null;

    public bool IsSpecial(string token) => _special.Contains(token);

    /// <summary>Whether every added token is plain (no lstrip, rstrip or single_word), as the fused encoders need.</summary>
    public bool AllPlain => _tokens.Values.All(t => !t.LStrip && !t.RStrip && !t.SingleWord);

    /// <summary>The leftmost-longest raw (normalized: false) added token at or after <paramref name="from"/>.</summary>
    public bool FindRaw(ReadOnlySpan<char> text, int from, out int start, out int end, out int id)
    {
        if (_rawTrie is null)
        {
            start = end = id = -1;
            return false;
        }
        return _rawTrie.FindLeftmostLongest(text, from, out start, out end, out id);
    }

    /// <summary>The leftmost-longest normalized added token at or after <paramref name="from"/> (in normalized text).</summary>
    public bool FindNormalized(ReadOnlySpan<char> text, int from, out int start, out int end, out int id)
    {
        if (_normalizedTrie is null)
        {
            start = end = id = -1;
            return false;
        }
        return _normalizedTrie.FindLeftmostLongest(text, from, out start, out end, out id);
    }

    /// <summary>
    /// HF's <c>extract_and_normalize</c> with the normalizer this vocabulary was built with: raw matches first, then
    /// normalization and normalized matches per piece.
    /// </summary>
    public PreTokenizedText ExtractAndNormalize(string sequence)
    {
        var text = new PreTokenizedText(sequence);
        // Both passes always run: like HF's, they also drop empty pieces (an empty text, a piece normalized away).
        text.SplitWithTokens(_splitRaw);
        text.SplitWithTokens(_splitNormalized);
        return text;
    }

    private void SplitWithIndices(NormalizedText piece, TokenTrie? trie, List<(NormalizedText, ModelToken[]?)> output)
    {
        var sentence = piece.NormalizedSpan;
        if (trie is null || sentence.Length == 0)
        {
            // HF slices the whole piece (an empty one is then dropped).
            output.Add((piece.SliceWhole(), null));
            return;
        }
        int startOffset = 0;
        int position = 0;
        while (trie.FindLeftmostLongest(sentence, position, out int matchStart, out int matchEnd, out int id))
        {
            position = matchEnd;
            var token = _tokens[id];
            int start = matchStart, stop = matchEnd;
            if (token.SingleWord)
            {
                bool startSpace = start == 0 || !EndsWithWord(sentence[..start]);
                bool stopSpace = stop == sentence.Length || !StartsWithWord(sentence[stop..]);
                if (!startSpace || !stopSpace)
                {
                    continue;
                }
            }
            if (token.LStrip)
            {
                int newStart = start;
                while (newStart > 0 && IsSpaceBefore(sentence, newStart, out int width))
                {
                    newStart -= width;
                }
                start = Math.Max(newStart, startOffset);
            }
            if (token.RStrip)
            {
                while (stop < sentence.Length && NormalizedText.IsWhitespace(CodePointAt(sentence, stop, out int width)))
                {
                    stop += width;
                }
            }
            if (startOffset < start)
            {
                Add(piece, startOffset, start, null, output);
            }
            Add(piece, start, stop, id, output);
            startOffset = stop;
        }
        if (startOffset == 0)
        {
            // No match: HF slices the whole piece, which changes nothing but the copy unless normalization trimmed it.
            output.Add((piece.SliceWhole(), null));
        }
        else if (startOffset != sentence.Length)
        {
            Add(piece, startOffset, sentence.Length, null, output);
        }
    }

    private static void Add(NormalizedText piece, int start, int end, int? id, List<(NormalizedText, ModelToken[]?)> output)
    {
        var slice = piece.Slice(start, end, OffsetReferential.Normalized)
            ?? throw new InvalidOperationException($"added vocabulary: bad split {start}..{end} of a piece of length {piece.Length}");
        output.Add((slice, id is { } tokenId ? [new ModelToken(tokenId, slice.Normalized, 0, slice.Length)] : null));
    }

    private static int CodePointAt(ReadOnlySpan<char> text, int index, out int width)
    {
        width = NormalizedText.CodePointAt(text, index, out int cp);
        return cp;
    }

    private static bool IsSpaceBefore(ReadOnlySpan<char> text, int end, out int width)
    {
        int index = end - 1;
        if (index > 0 && char.IsLowSurrogate(text[index]) && char.IsHighSurrogate(text[index - 1]))
        {
            index--;
        }
        return NormalizedText.IsWhitespace(CodePointAt(text, index, out width));
    }

    private static bool EndsWithWord(ReadOnlySpan<char> text)
    {
        int index = text.Length - 1;
        if (index > 0 && char.IsLowSurrogate(text[index]) && char.IsHighSurrogate(text[index - 1]))
        {
            index--;
        }
        return IsWordCharacter(CodePointAt(text, index, out _));
    }

    private static bool StartsWithWord(ReadOnlySpan<char> text) => IsWordCharacter(CodePointAt(text, 0, out _));

    /// <summary>Rust regex's Unicode <c>\w</c>: Alphabetic, marks, decimal digits, connector punctuation, joiners.</summary>
    internal static bool IsWordCharacter(int codePoint)
    {
        if (codePoint is 0x200C or 0x200D || codePoint is >= 0x24B6 and <= 0x24E9
            || codePoint is >= 0x1F130 and <= 0x1F149 or >= 0x1F150 and <= 0x1F169 or >= 0x1F170 and <= 0x1F189)
        {
            return true;
        }
        if (codePoint is >= 0xD800 and <= 0xDFFF)
        {
            return false;
        }
        return CharUnicodeInfo.GetUnicodeCategory(codePoint) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation => true,
            _ => false,
        };
    }

    /// <summary>A character trie answering leftmost-longest queries (HF uses a daachorse automaton in that mode).</summary>
    private sealed class TokenTrie
    {
        private sealed class Node
        {
            public Dictionary<char, Node>? Children;
            public int Id = -1;
        }

        private readonly Node _root = new();
        private readonly System.Buffers.SearchValues<char> _firstChars;

        public TokenTrie(List<(string Pattern, int Id)> patterns)
        {
            var first = new HashSet<char>();
            foreach (var (pattern, id) in patterns)
            {
                if (pattern.Length == 0)
                {
                    continue;
                }
                first.Add(pattern[0]);
                var node = _root;
                foreach (char c in pattern)
                {
                    node.Children ??= [];
                    if (!node.Children.TryGetValue(c, out var next))
                    {
                        next = new Node();
                        node.Children[c] = next;
                    }
                    node = next;
                }
                // Two tokens normalizing to the same form: the automaton keeps one; the lower id comes first here.
                if (node.Id < 0)
                {
                    node.Id = id;
                }
            }
            _firstChars = System.Buffers.SearchValues.Create([.. first]);
        }

        public bool FindLeftmostLongest(ReadOnlySpan<char> text, int from, out int start, out int end, out int id)
        {
            while (from < text.Length)
            {
                int next = text[from..].IndexOfAny(_firstChars);
                if (next < 0)
                {
                    break;
                }
                start = from + next;
                var node = _root;
                end = -1;
                id = -1;
                for (int i = start; i < text.Length && node.Children is not null && node.Children.TryGetValue(text[i], out var child); i++)
                {
                    node = child;
                    if (node.Id >= 0)
                    {
                        end = i + 1;
                        id = node.Id;
                    }
                }
                if (end > 0)
                {
                    return true;
                }
                from = start + 1;
            }
            start = end = id = -1;
            return false;
        }
    }
}
