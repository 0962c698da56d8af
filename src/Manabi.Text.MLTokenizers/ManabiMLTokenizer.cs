using System.Buffers;
using Microsoft.ML.Tokenizers;

namespace Manabi.Text.MLTokenizers;

/// <summary>
/// A Manabi tokenizer — any Hugging Face <c>tokenizer.json</c> pipeline (<see cref="Manabi.Text.Tokenizer"/>) or a
/// tiktoken encoding (<see cref="Manabi.Text.TiktokenTokenizer"/>) — as a <see cref="Microsoft.ML.Tokenizers.Tokenizer"/>,
/// for the APIs that take one (Microsoft.Extensions.DataIngestion and Semantic Kernel chunkers, token budgets). Ids
/// and offsets are Manabi's, so they match Hugging Face tokenizers and tiktoken. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// <para>
/// Offsets, <c>charsConsumed</c> and the indexes of <c>GetIndexByTokenCount</c> are UTF-16 positions in the text you
/// pass, never in a normalized copy: Manabi's pipeline maps every token back to the original text, so
/// <c>normalizedText</c> is always null. <see cref="EncodeSettings.ConsiderNormalization"/> and
/// <see cref="EncodeSettings.ConsiderPreTokenization"/> do not switch stages off: in a tokenizer.json the normalizer and
/// pre-tokenizer decide the ids (the byte-level pre-tokenizer maps bytes to the vocabulary's symbols, an uncased BERT
/// vocabulary has no upper-case pieces), so the whole pipeline always runs and counts stay the model's counts.
/// </para>
/// <para>
/// Special tokens: by default none are added, as Microsoft.ML.Tokenizers' TiktokenTokenizer and its BertTokenizer
/// (through the base <see cref="Microsoft.ML.Tokenizers.Tokenizer"/> methods) do, so counts and indexes measure the
/// text itself, which is what chunkers need. With <c>addSpecialTokens</c> the post-processor's tokens (BERT's
/// <c>[CLS]</c>/<c>[SEP]</c>, Llama-2's <c>&lt;s&gt;</c>) are added by every method, as
/// Microsoft.ML.Tokenizers' BpeTokenizer adds its beginning/end-of-sentence tokens: those before the content with the
/// empty range at 0, those after it with the empty range at <c>charsConsumed</c>; a token limit keeps room for them
/// (HF's truncation), and a limit smaller than their number gives no tokens. Decoding keeps special tokens unless
/// <c>skipSpecialTokensOnDecode</c>, as Microsoft.ML.Tokenizers' <c>Decode(ids)</c> does.
/// </para>
/// <para>
/// A token limit (<see cref="EncodeSettings.MaxTokenCount"/>, <c>maxTokenCount</c>) keeps the longest run of the
/// text's tokens that does not end inside a character another token shares (byte-level BPE may split one character
/// over several tokens): the text before <c>charsConsumed</c> holds exactly the kept tokens of the whole text's
/// encoding. <c>GetIndexByTokenCountFromEnd</c> keeps the longest such run at the end.
/// </para>
/// </remarks>
public sealed class ManabiMLTokenizer : Microsoft.ML.Tokenizers.Tokenizer
{
    private readonly TokenSource _source;
    private readonly int _specialCount;

    /// <summary>Wraps a tokenizer.json pipeline.</summary>
    /// <param name="tokenizer">The tokenizer. Its own truncation and padding are not used: the token limit is the
    /// caller's <c>maxTokenCount</c>, and padding would count tokens the text does not have.</param>
    /// <param name="addSpecialTokens">Whether every encoding, count and index includes the post-processor's special tokens.</param>
    /// <param name="skipSpecialTokensOnDecode">Whether decoding drops special tokens (HF's <c>skip_special_tokens</c>).</param>
    /// <exception cref="NotSupportedException"><paramref name="addSpecialTokens"/> with a post-processor that does not add a
    /// fixed run of tokens before and after the text.</exception>
    public ManabiMLTokenizer(Manabi.Text.Tokenizer tokenizer, bool addSpecialTokens = false, bool skipSpecialTokensOnDecode = false)
        : this(new PipelineTokenSource(tokenizer ?? throw new ArgumentNullException(nameof(tokenizer)), addSpecialTokens),
            addSpecialTokens, skipSpecialTokensOnDecode)
    {
    }

    /// <summary>
    /// Wraps a tiktoken encoding. Special tokens written in the text become their ids (as Microsoft.ML.Tokenizers'
    /// TiktokenTokenizer encodes them); tiktoken adds none of its own.
    /// </summary>
    /// <param name="tokenizer">The encoding, e.g. <c>TiktokenTokenizer.Create("o200k_base")</c>.</param>
    /// <param name="skipSpecialTokensOnDecode">Whether decoding drops special tokens.</param>
    public ManabiMLTokenizer(Manabi.Text.TiktokenTokenizer tokenizer, bool skipSpecialTokensOnDecode = false)
        : this(new TiktokenTokenSource(tokenizer ?? throw new ArgumentNullException(nameof(tokenizer))), false, skipSpecialTokensOnDecode)
    {
    }

    private ManabiMLTokenizer(TokenSource source, bool addSpecialTokens, bool skipSpecialTokensOnDecode)
    {
        _source = source;
        AddsSpecialTokens = addSpecialTokens;
        SkipsSpecialTokensOnDecode = skipSpecialTokensOnDecode;
        _specialCount = addSpecialTokens ? source.Prefix.Length + source.Suffix.Length : 0;
    }

    /// <summary>Whether encodings, counts and indexes include the post-processor's special tokens.</summary>
    public bool AddsSpecialTokens { get; }

    /// <summary>Whether decoding drops special tokens.</summary>
    public bool SkipsSpecialTokensOnDecode { get; }

    /// <summary>The wrapped tokenizer.json pipeline (without truncation and padding), or null when this wraps tiktoken.</summary>
    public Manabi.Text.Tokenizer? Pipeline => (_source as PipelineTokenSource)?.Tokenizer;

    /// <summary>The wrapped tiktoken encoding, or null when this wraps a tokenizer.json pipeline.</summary>
    public Manabi.Text.TiktokenTokenizer? Tiktoken => (_source as TiktokenTokenSource)?.Tokenizer;

    /// <inheritdoc/>
    protected override EncodeResults<EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        ReadOnlySpan<char> span = text is null ? textSpan : text.AsSpan();
        int budget = ContentBudget(settings.MaxTokenCount);
        if (budget < 0)
        {
            return new EncodeResults<EncodedToken> { Tokens = [], CharsConsumed = 0 };
        }
        var content = _source.Encode(text, span, withValues: true);
        int kept = TokenLimit.FromStart(content.Offsets, budget, span.Length, out int charsConsumed);
        var tokens = new List<EncodedToken>(kept + _specialCount);
        if (AddsSpecialTokens)
        {
            tokens.AddRange(_source.Prefix.Select(s => new EncodedToken(s.Id, s.Value, new Range(0, 0))));
        }
        for (int i = 0; i < kept; i++)
        {
            var (start, end) = content.Offsets[i];
            tokens.Add(new EncodedToken(content.Ids[i], content.Values![i], new Range(start, end)));
        }
        if (AddsSpecialTokens)
        {
            tokens.AddRange(_source.Suffix.Select(s => new EncodedToken(s.Id, s.Value, new Range(charsConsumed, charsConsumed))));
        }
        content.Return();
        return new EncodeResults<EncodedToken> { Tokens = tokens, CharsConsumed = charsConsumed };
    }

    /// <inheritdoc/>
    protected override EncodeResults<int> EncodeToIds(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        ReadOnlySpan<char> span = text is null ? textSpan : text.AsSpan();
        int budget = ContentBudget(settings.MaxTokenCount);
        if (budget < 0)
        {
            return new EncodeResults<int> { Tokens = [], CharsConsumed = 0 };
        }
        if (settings.MaxTokenCount == int.MaxValue)
        {
            // No limit: the ids alone, which fused pipelines and tiktoken give without offsets.
            int[] all = _source.EncodeIds(text, span);
            return new EncodeResults<int> { Tokens = WithSpecialTokens(all), CharsConsumed = span.Length };
        }
        var content = _source.Encode(text, span, withValues: false);
        int kept = TokenLimit.FromStart(content.Offsets, budget, span.Length, out int charsConsumed);
        int[] ids = WithSpecialTokens(content.Ids[..kept]);
        content.Return();
        return new EncodeResults<int> { Tokens = ids, CharsConsumed = charsConsumed };
    }

    /// <inheritdoc/>
    protected override int CountTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        ReadOnlySpan<char> span = text is null ? textSpan : text.AsSpan();
        int budget = ContentBudget(settings.MaxTokenCount);
        if (budget < 0)
        {
            return 0;
        }
        if (settings.MaxTokenCount == int.MaxValue)
        {
            return _source.Count(span) + _specialCount;
        }
        var content = _source.Encode(text, span, withValues: false);
        int kept = TokenLimit.FromStart(content.Offsets, budget, span.Length, out _);
        content.Return();
        return kept + _specialCount;
    }

    /// <inheritdoc/>
    protected override int GetIndexByTokenCount(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings, bool fromEnd,
        out string? normalizedText, out int tokenCount)
    {
        ReadOnlySpan<char> span = text is null ? textSpan : text.AsSpan();
        normalizedText = null;
        int budget = ContentBudget(settings.MaxTokenCount);
        if (budget < 0)
        {
            tokenCount = 0;
            return fromEnd ? span.Length : 0;
        }
        var content = _source.Encode(text, span, withValues: false);
        int kept = fromEnd
            ? TokenLimit.FromEnd(content.Offsets, budget, span.Length, out int index)
            : TokenLimit.FromStart(content.Offsets, budget, span.Length, out index);
        content.Return();
        tokenCount = kept + _specialCount;
        return index;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">An id is not in the vocabulary; the message names it.</exception>
    public override string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int[] all = [.. ids];
        return _source.Decode(all, SkipsSpecialTokensOnDecode, out int invalid)
            ?? throw new InvalidOperationException($"id {invalid} is not in the tokenizer's vocabulary, so the ids cannot be decoded");
    }

    /// <summary>
    /// Decodes <paramref name="ids"/> into <paramref name="destination"/>. When the text does not fit, returns
    /// <see cref="OperationStatus.DestinationTooSmall"/> having written the text of the longest run of leading ids whose
    /// text fits and begins the whole text (<paramref name="idsConsumed"/> ids, <paramref name="charsWritten"/> chars).
    /// An id outside the vocabulary gives <see cref="OperationStatus.InvalidData"/> with nothing written.
    /// </summary>
    /// <param name="ids">The ids to decode.</param>
    /// <param name="destination">Receives the text.</param>
    /// <param name="idsConsumed">How many leading ids the written text holds.</param>
    /// <param name="charsWritten">How many chars were written.</param>
    /// <returns>Done, DestinationTooSmall or InvalidData.</returns>
    public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int[] all = [.. ids];
        idsConsumed = 0;
        charsWritten = 0;
        string? whole = _source.Decode(all, SkipsSpecialTokensOnDecode, out _);
        if (whole is null)
        {
            return OperationStatus.InvalidData;
        }
        if (whole.Length <= destination.Length)
        {
            whole.CopyTo(destination);
            idsConsumed = all.Length;
            charsWritten = whole.Length;
            return OperationStatus.Done;
        }
        (idsConsumed, string written) = LongestFittingPrefix(all, whole, destination.Length);
        written.CopyTo(destination);
        charsWritten = written.Length;
        return OperationStatus.DestinationTooSmall;
    }

    /// <summary>
    /// The most leading ids whose text fits in <paramref name="room"/> chars and begins <paramref name="whole"/>. Decoders
    /// see context (a byte-level token may hold half a character, WordPiece joins "##" pieces), so a prefix's text is not
    /// always a prefix of the whole: binary search on the length, then step back to a prefix that is one.
    /// </summary>
    private (int Ids, string Text) LongestFittingPrefix(int[] ids, string whole, int room)
    {
        int low = 0, high = ids.Length - 1;
        while (low < high)
        {
            int middle = (low + high + 1) / 2;
            if (DecodePrefix(ids, middle).Length <= room)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }
        for (int count = low; count > 0; count--)
        {
            string text = DecodePrefix(ids, count);
            if (text.Length <= room && whole.StartsWith(text, StringComparison.Ordinal))
            {
                return (count, text);
            }
        }
        return (0, "");
    }

    private string DecodePrefix(int[] ids, int count) =>
        _source.Decode(ids.AsSpan(0, count), SkipsSpecialTokensOnDecode, out _) ?? "";

    /// <summary>The tokens left for the text under <paramref name="maxTokenCount"/> (negative: not even the special tokens fit).</summary>
    private int ContentBudget(int maxTokenCount)
    {
        if (maxTokenCount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokenCount), maxTokenCount, "the maximum token count must be greater than zero");
        }
        return maxTokenCount == int.MaxValue ? int.MaxValue : maxTokenCount - _specialCount;
    }

    private int[] WithSpecialTokens(ReadOnlySpan<int> content)
    {
        if (!AddsSpecialTokens)
        {
            return content.ToArray();
        }
        var ids = new int[_source.Prefix.Length + content.Length + _source.Suffix.Length];
        for (int i = 0; i < _source.Prefix.Length; i++)
        {
            ids[i] = _source.Prefix[i].Id;
        }
        content.CopyTo(ids.AsSpan(_source.Prefix.Length));
        for (int i = 0; i < _source.Suffix.Length; i++)
        {
            ids[_source.Prefix.Length + content.Length + i] = _source.Suffix[i].Id;
        }
        return ids;
    }
}
