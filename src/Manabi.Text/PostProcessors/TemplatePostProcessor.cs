namespace Manabi.Text;

/// <summary>
/// One element of a <see cref="TemplatePostProcessor"/> template: a sequence (<c>$A</c>, <c>$B</c>) or a special token,
/// with the type id its tokens get.
/// </summary>
/// <param name="SpecialToken">The special token's id in the processor's map, or null for a sequence.</param>
/// <param name="Sequence">0 for <c>$A</c>, 1 for <c>$B</c> (ignored for a special token).</param>
/// <param name="TypeId">The type id of the piece's tokens.</param>
public sealed record TemplatePiece(string? SpecialToken, int Sequence, int TypeId)
{
    /// <summary>Whether this piece stands for a sequence.</summary>
    public bool IsSequence => SpecialToken is null;

    /// <summary>
    /// Parses HF's template syntax: <c>$A</c>, <c>$B</c>, <c>$</c> (A), <c>$0</c>/<c>$1</c> (A with that type id),
    /// anything else a special token id; an optional <c>:N</c> suffix sets the type id.
    /// </summary>
    /// <exception cref="FormatException">A malformed piece such as <c>$C</c> or <c>[CLS]:x</c>.</exception>
    public static TemplatePiece Parse(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        var parts = piece.Split(':');
        if (parts.Length > 2)
        {
            throw new FormatException($"Cannot build Piece from string \"{piece}\"");
        }
        int? typeId = null;
        if (parts.Length == 2)
        {
            typeId = uint.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint t)
                ? checked((int)t)
                : throw new FormatException($"Cannot build Piece from string \"{piece}\"");
        }
        string id = parts[0];
        if (!id.StartsWith('$'))
        {
            return new TemplatePiece(id, 0, typeId ?? 0);
        }
        string rest = id[1..];
        return rest switch
        {
            "" or "A" or "a" => new TemplatePiece(null, 0, typeId ?? 0),
            "B" or "b" => new TemplatePiece(null, 1, typeId ?? 0),
            _ when uint.TryParse(rest, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint n)
                => new TemplatePiece(null, 0, typeId ?? checked((int)n)),
            _ => throw new FormatException($"Cannot build Piece from string \"{piece}\""),
        };
    }

    /// <summary>Parses a space-separated template such as <c>"[CLS] $A [SEP] $B:1 [SEP]:1"</c>.</summary>
    public static IReadOnlyList<TemplatePiece> ParseTemplate(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return [.. template.Split(' ').Select(Parse)];
    }
}

/// <summary>A special token of a template: its id in the template and the token ids/strings it expands to.</summary>
/// <param name="Id">The name the template uses.</param>
/// <param name="Ids">The token ids it adds.</param>
/// <param name="Tokens">The token strings it adds (as many as <paramref name="Ids"/>).</param>
public sealed record TemplateSpecialToken(string Id, IReadOnlyList<int> Ids, IReadOnlyList<string> Tokens)
{
    /// <summary>A special token of one token whose string is its id.</summary>
    public TemplateSpecialToken(string token, int id) : this(token, [id], [token])
    {
    }
}

/// <summary>
/// HF's <c>TemplateProcessing</c>: lays out the special tokens and sequences after a template for single texts and
/// for pairs, e.g. <c>"[CLS] $A [SEP]"</c> and <c>"[CLS] $A [SEP] $B:1 [SEP]:1"</c>.
/// </summary>
public sealed class TemplatePostProcessor : IPostProcessor, IEncodingsProcessor
{
    private readonly Dictionary<string, TemplateSpecialToken> _specialTokens;
    private readonly int _addedSingle;
    private readonly int _addedPair;

    /// <summary>Creates the processor from parsed templates.</summary>
    /// <exception cref="ArgumentException">The pair template lacks $A or $B, or a special token is not in the map.</exception>
    public TemplatePostProcessor(IReadOnlyList<TemplatePiece> single, IReadOnlyList<TemplatePiece> pair,
        IEnumerable<TemplateSpecialToken> specialTokens)
    {
        ArgumentNullException.ThrowIfNull(single);
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(specialTokens);
        Single = single;
        Pair = pair;
        _specialTokens = new Dictionary<string, TemplateSpecialToken>(StringComparer.Ordinal);
        foreach (var token in specialTokens)
        {
            if (token.Ids.Count != token.Tokens.Count)
            {
                throw new ArgumentException($"special token '{token.Id}': ids and tokens must be of the same length", nameof(specialTokens));
            }
            _specialTokens[token.Id] = token;
        }
        if (!(pair.Any(p => p.IsSequence && p.Sequence == 0) && pair.Any(p => p.IsSequence && p.Sequence == 1)))
        {
            throw new ArgumentException("Template for `pair` must use both sequences", nameof(pair));
        }
        if (single.Any(p => p.IsSequence && p.Sequence == 1))
        {
            throw new ArgumentException("Template for `single` cannot use $B", nameof(single));
        }
        var missing = single.Concat(pair).Where(p => !p.IsSequence && !_specialTokens.ContainsKey(p.SpecialToken!))
            .Select(p => p.SpecialToken).Distinct().ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"Missing SpecialToken(s) with id(s) `{string.Join(", ", missing)}`", nameof(specialTokens));
        }
        _addedSingle = single.Where(p => !p.IsSequence).Sum(p => _specialTokens[p.SpecialToken!].Ids.Count);
        _addedPair = pair.Where(p => !p.IsSequence).Sum(p => _specialTokens[p.SpecialToken!].Ids.Count);
    }

    /// <summary>Creates the processor from template strings (see <see cref="TemplatePiece.ParseTemplate"/>).</summary>
    public TemplatePostProcessor(string single, string pair, IEnumerable<TemplateSpecialToken> specialTokens)
        : this(TemplatePiece.ParseTemplate(single), TemplatePiece.ParseTemplate(pair), specialTokens)
    {
    }

    /// <summary>The template for a single text.</summary>
    public IReadOnlyList<TemplatePiece> Single { get; }

    /// <summary>The template for a pair.</summary>
    public IReadOnlyList<TemplatePiece> Pair { get; }

    /// <summary>The special tokens by the names the templates use.</summary>
    public IReadOnlyDictionary<string, TemplateSpecialToken> SpecialTokens => _specialTokens;

    /// <inheritdoc/>
    public int AddedTokens(bool isPair) => isPair ? _addedPair : _addedSingle;

    /// <inheritdoc/>
    public TokenEncoding Process(TokenEncoding first, TokenEncoding? second, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(first);
        return PostProcessing.Process(this, first, second, addSpecialTokens);
    }

    List<TokenEncoding> IEncodingsProcessor.ProcessEncodings(List<TokenEncoding> encodings, bool addSpecialTokens)
    {
        var template = encodings.Count switch
        {
            1 => Single,
            2 => Pair,
            _ => throw new InvalidOperationException($"a template processes one or two encodings, not {encodings.Count}"),
        };
        var result = new List<TokenEncoding>(template.Count);
        foreach (var piece in template)
        {
            if (piece.IsSequence)
            {
                var encoding = encodings[piece.Sequence];
                encoding.SetTypeIds(piece.TypeId);
                encoding.SetSequenceId(piece.Sequence);
                result.Add(encoding.Clone());
            }
            else if (addSpecialTokens)
            {
                var token = _specialTokens[piece.SpecialToken!];
                int n = token.Ids.Count;
                var typeIds = new int[n];
                Array.Fill(typeIds, piece.TypeId);
                var words = new int[n];
                Array.Fill(words, -1);
                var ones = new int[n];
                Array.Fill(ones, 1);
                result.Add(new TokenEncoding([.. token.Ids], typeIds, [.. token.Tokens], words, new (int, int)[n], ones, [.. ones]));
            }
        }
        return result;
    }
}
