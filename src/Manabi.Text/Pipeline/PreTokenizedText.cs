using System.Runtime.InteropServices;

namespace Manabi.Text;

/// <summary>
/// A text cut into pieces by pre-tokenizers (HF's <c>PreTokenizedString</c>): each piece is a <see cref="NormalizedText"/>
/// that still maps to the original, and, once the model (or the added vocabulary) has run, its tokens.
/// </summary>
public sealed class PreTokenizedText
{
    private List<Piece> _pieces;
    private List<Piece> _spare = [];
    private readonly List<ModelToken> _tokens = [];
    private readonly List<NormalizedText> _scratch = [];
    private List<(NormalizedText Text, ModelToken[]? Tokens)>? _produced;

    /// <summary>Starts from a raw text (one piece, not normalized).</summary>
    public PreTokenizedText(string text) : this(new NormalizedText(text))
    {
    }

    /// <summary>Starts from a normalized text (one piece).</summary>
    public PreTokenizedText(NormalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Original = text.Original;
        _pieces = [new Piece(text, 0, -1)];
    }

    private readonly record struct Piece(NormalizedText Text, int TokenStart, int TokenCount)
    {
        public bool IsTokenized => TokenCount >= 0;
    }

    /// <summary>The original text.</summary>
    public string Original { get; }

    /// <summary>Number of pieces.</summary>
    public int Count => _pieces.Count;

    /// <summary>The piece at <paramref name="index"/>.</summary>
    public NormalizedText this[int index] => _pieces[index].Text;

    /// <summary>Whether the piece at <paramref name="index"/> already has tokens (it then takes no further splitting).</summary>
    public bool IsTokenized(int index) => _pieces[index].IsTokenized;

    /// <summary>The tokens of a tokenized piece (empty for one not tokenized yet).</summary>
    public ReadOnlySpan<ModelToken> GetTokens(int index)
    {
        var piece = _pieces[index];
        return piece.IsTokenized ? CollectionsMarshal.AsSpan(_tokens).Slice(piece.TokenStart, piece.TokenCount) : [];
    }

    /// <summary>
    /// Replaces every piece not yet tokenized with the pieces <paramref name="splitter"/> makes of it (given the piece's
    /// index and the piece); empty pieces are dropped (HF's <c>split</c>).
    /// </summary>
    public void Split(Func<int, NormalizedText, IEnumerable<NormalizedText>> splitter)
    {
        ArgumentNullException.ThrowIfNull(splitter);
        Split((i, text, output) => output.AddRange(splitter(i, text)));
    }

    /// <summary>Same as <see cref="Split(Func{int, NormalizedText, IEnumerable{NormalizedText}})"/>, the splitter appending to a list.</summary>
    public void Split(Action<int, NormalizedText, List<NormalizedText>> splitter)
    {
        ArgumentNullException.ThrowIfNull(splitter);
        var next = _spare;
        next.Clear();
        for (int i = 0; i < _pieces.Count; i++)
        {
            var piece = _pieces[i];
            if (piece.IsTokenized)
            {
                next.Add(piece);
                continue;
            }
            _scratch.Clear();
            splitter(i, piece.Text, _scratch);
            foreach (var text in _scratch)
            {
                if (!text.IsEmpty)
                {
                    next.Add(new Piece(text, 0, -1));
                }
            }
        }
        _scratch.Clear();
        _spare = _pieces;
        _pieces = next;
    }

    /// <summary>Splits with pieces that may come with their tokens already (the added vocabulary's matches).</summary>
    internal void SplitWithTokens(Action<int, NormalizedText, List<(NormalizedText Text, ModelToken[]? Tokens)>> splitter)
    {
        var next = _spare;
        next.Clear();
        var produced = _produced ??= [];
        for (int i = 0; i < _pieces.Count; i++)
        {
            var piece = _pieces[i];
            if (piece.IsTokenized)
            {
                next.Add(piece);
                continue;
            }
            produced.Clear();
            splitter(i, piece.Text, produced);
            foreach (var (text, tokens) in produced)
            {
                if (text.IsEmpty)
                {
                    continue;
                }
                if (tokens is null)
                {
                    next.Add(new Piece(text, 0, -1));
                }
                else
                {
                    next.Add(new Piece(text, _tokens.Count, tokens.Length));
                    _tokens.AddRange(tokens);
                }
            }
        }
        _spare = _pieces;
        _pieces = next;
    }

    /// <summary>Normalizes every piece not yet tokenized (HF's <c>normalize</c>).</summary>
    public void Normalize(Action<NormalizedText> normalize)
    {
        ArgumentNullException.ThrowIfNull(normalize);
        foreach (var piece in _pieces)
        {
            if (!piece.IsTokenized)
            {
                normalize(piece.Text);
            }
        }
    }

    /// <summary>Runs <paramref name="model"/> on every piece not yet tokenized (HF's <c>tokenize</c>).</summary>
    public void Tokenize(ITokenizationModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        for (int i = 0; i < _pieces.Count; i++)
        {
            TokenizePiece(model, i);
        }
    }

    /// <summary>Tokenizes every piece not yet tokenized with <paramref name="tokenize"/>, which appends the piece's tokens.</summary>
    public void Tokenize(Action<NormalizedText, List<ModelToken>> tokenize)
    {
        ArgumentNullException.ThrowIfNull(tokenize);
        for (int i = 0; i < _pieces.Count; i++)
        {
            var piece = _pieces[i];
            if (piece.IsTokenized)
            {
                continue;
            }
            int start = _tokens.Count;
            tokenize(piece.Text, _tokens);
            _pieces[i] = piece with { TokenStart = start, TokenCount = _tokens.Count - start };
        }
    }

    /// <summary>
    /// HF's <c>tokenize_with_limit</c>, used under truncation: tokenizes pieces from the kept end only until
    /// <paramref name="maxTokens"/> tokens exist, and drops the pieces beyond (so overflowing windows end there too).
    /// </summary>
    internal void TokenizeWithLimit(ITokenizationModel model, int maxTokens, TruncationDirection direction)
    {
        int total = 0;
        if (direction == TruncationDirection.Left)
        {
            int first = _pieces.Count;
            for (int i = _pieces.Count - 1; i >= 0; i--)
            {
                bool already = _pieces[i].IsTokenized;
                total += TokenizePiece(model, i);
                first = i;
                // HF only stops after a piece the model tokenized, not after an added token.
                if (!already && total >= maxTokens)
                {
                    break;
                }
            }
            _pieces.RemoveRange(0, first);
        }
        else
        {
            int last = 0;
            for (int i = 0; i < _pieces.Count; i++)
            {
                bool already = _pieces[i].IsTokenized;
                total += TokenizePiece(model, i);
                last = i + 1;
                // HF only stops after a piece the model tokenized, not after an added token.
                if (!already && total >= maxTokens)
                {
                    break;
                }
            }
            _pieces.RemoveRange(last, _pieces.Count - last);
        }
    }

    private int TokenizePiece(ITokenizationModel model, int index)
    {
        var piece = _pieces[index];
        if (piece.IsTokenized)
        {
            return piece.TokenCount;
        }
        int start = _tokens.Count;
        model.Tokenize(piece.Text.NormalizedSpan, _tokens);
        _pieces[index] = piece with { TokenStart = start, TokenCount = _tokens.Count - start };
        return _tokens.Count - start;
    }

    /// <summary>
    /// The pieces with their offsets (HF's <c>get_splits</c>): in the original text, or in the concatenation of the
    /// normalized pieces.
    /// </summary>
    public IReadOnlyList<(string Text, (int Start, int End) Offsets)> GetSplits(OffsetReferential referential = OffsetReferential.Original)
    {
        var result = new List<(string, (int, int))>(_pieces.Count);
        int offset = 0;
        foreach (var piece in _pieces)
        {
            if (referential == OffsetReferential.Original)
            {
                result.Add((piece.Text.Normalized, piece.Text.OriginalOffsets));
            }
            else
            {
                result.Add((piece.Text.Normalized, (offset, offset + piece.Text.Length)));
                offset += piece.Text.Length;
            }
        }
        return result;
    }

    /// <summary>
    /// The encoding of the tokens (HF's <c>into_encoding</c>): offsets in the original text, word ids the piece index
    /// (or <paramref name="wordIndex"/> for all), type ids <paramref name="typeId"/>. Every piece must be tokenized.
    /// </summary>
    public TokenEncoding ToEncoding(int? wordIndex = null, int typeId = 0)
    {
        int count = 0;
        foreach (var piece in _pieces)
        {
            if (!piece.IsTokenized)
            {
                throw new InvalidOperationException("a piece has not been tokenized: call Tokenize first");
            }
            count += piece.TokenCount;
        }
        var ids = new int[count];
        var tokens = new string[count];
        var offsets = new (int, int)[count];
        var words = new int[count];
        var typeIds = new int[count];
        if (typeId != 0)
        {
            Array.Fill(typeIds, typeId);
        }
        var attention = new int[count];
        Array.Fill(attention, 1);
        int k = 0;
        for (int p = 0; p < _pieces.Count; p++)
        {
            var piece = _pieces[p];
            var text = piece.Text;
            int shift = text.OriginalShift;
            foreach (var token in CollectionsMarshal.AsSpan(_tokens).Slice(piece.TokenStart, piece.TokenCount))
            {
                ids[k] = token.Id;
                tokens[k] = token.Value;
                offsets[k] = text.ConvertOffsets(token.Start, token.End, OffsetReferential.Normalized) is { } r
                    ? (shift + r.Start, shift + r.End)
                    : (token.Start, token.End);
                words[k] = wordIndex ?? p;
                k++;
            }
        }
        return new TokenEncoding(ids, typeIds, tokens, words, offsets, new int[count], attention);
    }
}
