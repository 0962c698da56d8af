using System.Buffers;
using System.Collections.Concurrent;

namespace Manabi.Text;

/// <summary>
/// A BERT WordPiece tokenizer with Hugging Face tokenizers parity: <see cref="BertNormalizer"/>,
/// <see cref="BertPreTokenizer"/>, <see cref="WordPieceModel"/>, <see cref="BertPostProcessor"/>, truncation,
/// padding and <see cref="WordPieceDecoder"/>. Immutable and thread-safe; <c>With*</c> methods return
/// configured copies that share the vocabulary.
/// </summary>
public sealed partial class WordPieceTokenizer
{
    private readonly AddedToken[] _addedTokens;
    private readonly SearchValues<char> _addedTokenFirstChars;
    private readonly HashSet<int> _specialIds;

    /// <summary>Assembles a tokenizer from its stages.</summary>
    public WordPieceTokenizer(WordPieceModel model, BertNormalizer? normalizer = null, BertPostProcessor? postProcessor = null,
        IEnumerable<AddedToken>? addedTokens = null, WordPieceDecoder? decoder = null, TruncationOptions? truncation = null,
        PaddingOptions? padding = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Normalizer = normalizer ?? BertNormalizer.Uncased;
        PostProcessor = postProcessor;
        Decoder = decoder ?? new WordPieceDecoder(model.ContinuingSubwordPrefix);
        _addedTokens = [.. (addedTokens ?? []).Where(t => t.Content.Length > 0)];
        _addedTokenFirstChars = SearchValues.Create(new string([.. _addedTokens.Select(t => t.Content[0]).Distinct()]));
        _specialIds = [.. _addedTokens.Where(t => t.Special).Select(t => t.Id)];
        ValidateTruncation(truncation);
        Truncation = truncation;
        Padding = padding;
    }

    /// <summary>
    /// A bert-base-style tokenizer over a vocabulary: the BERT special tokens that the vocabulary has
    /// become added tokens, as HF's <c>BertWordPieceTokenizer</c> does.
    /// </summary>
    /// <param name="vocabulary">The vocabulary; must contain <c>[UNK]</c>.</param>
    /// <param name="lowercase">Uncased (lowercase and strip accents) or cased (neither).</param>
    /// <exception cref="ArgumentException">The vocabulary has no <c>[UNK]</c>.</exception>
    public static WordPieceTokenizer CreateBert(WordPieceVocabulary vocabulary, bool lowercase = true)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var model = new WordPieceModel(vocabulary);
        var added = new List<AddedToken>();
        foreach (string special in BertSpecialTokens)
        {
            if (vocabulary.TryGetId(special, out int id))
            {
                added.Add(new AddedToken(special, id));
            }
        }
        BertPostProcessor? post = vocabulary.TryGetId("[CLS]", out int cls) && vocabulary.TryGetId("[SEP]", out int sep)
            ? new BertPostProcessor("[CLS]", cls, "[SEP]", sep)
            : null;
        var normalizer = lowercase ? BertNormalizer.Uncased : BertNormalizer.Cased;
        return new WordPieceTokenizer(model, normalizer, post, added);
    }

    /// <summary>The five BERT special tokens in HF's order: unknown, separator, classifier, padding, mask.</summary>
    public static IReadOnlyList<string> BertSpecialTokens { get; } = ["[UNK]", "[SEP]", "[CLS]", "[PAD]", "[MASK]"];

    /// <summary>The WordPiece model and its vocabulary.</summary>
    public WordPieceModel Model { get; }

    /// <summary>The vocabulary.</summary>
    public WordPieceVocabulary Vocabulary => Model.Vocabulary;

    /// <summary>The normalizer.</summary>
    public BertNormalizer Normalizer { get; }

    /// <summary>The post-processor adding <c>[CLS]</c>/<c>[SEP]</c>, or null for none.</summary>
    public BertPostProcessor? PostProcessor { get; }

    /// <summary>The decoder.</summary>
    public WordPieceDecoder Decoder { get; }

    /// <summary>Tokens matched in the raw text before normalization.</summary>
    public IReadOnlyList<AddedToken> AddedTokens => _addedTokens;

    /// <summary>Truncation, or null for none.</summary>
    public TruncationOptions? Truncation { get; }

    /// <summary>Padding, or null for none.</summary>
    public PaddingOptions? Padding { get; }

    /// <summary>A copy with other truncation (null: none).</summary>
    /// <exception cref="ArgumentException">The stride is not below the length left after special tokens (HF's check).</exception>
    public WordPieceTokenizer WithTruncation(TruncationOptions? truncation) =>
        new(Model, Normalizer, PostProcessor, _addedTokens, Decoder, truncation, Padding);

    /// <summary>A copy with other padding (null: none).</summary>
    public WordPieceTokenizer WithPadding(PaddingOptions? padding) =>
        new(Model, Normalizer, PostProcessor, _addedTokens, Decoder, Truncation, padding);

    /// <summary>A copy with another normalizer (e.g. <see cref="BertNormalizer.Cased"/>).</summary>
    public WordPieceTokenizer WithNormalizer(BertNormalizer normalizer) =>
        new(Model, normalizer, PostProcessor, _addedTokens, Decoder, Truncation, Padding);

    private void ValidateTruncation(TruncationOptions? truncation)
    {
        if (truncation is null)
        {
            return;
        }
        int added = PostProcessor?.AddedTokens(false) ?? 0;
        int effective = truncation.MaxLength - added;
        if (effective < truncation.Stride)
        {
            throw new ArgumentException(
                $"tokenizer stride set to {truncation.Stride}, which is greater than or equal to its effective max length of " +
                $"{effective} (= {truncation.MaxLength} original max length - {added} added special tokens)", nameof(truncation));
        }
    }

    /// <summary>Whether an id is a special added token (skipped by <see cref="Decode"/> by default).</summary>
    public bool IsSpecialId(int id) => _specialIds.Contains(id);

    /// <summary>Encodes one text.</summary>
    /// <exception cref="TruncationException">HF refuses this truncation.</exception>
    public TokenEncoding Encode(string text, bool addSpecialTokens = true) => Encode(text, null, addSpecialTokens);

    /// <summary>Encodes a text or, with <paramref name="pair"/>, a sentence pair.</summary>
    /// <exception cref="TruncationException">HF refuses this truncation (e.g. only_second without a pair).</exception>
    public TokenEncoding Encode(string text, string? pair, bool addSpecialTokens = true)
    {
        var encoding = EncodeUnpadded(text, pair, addSpecialTokens);
        if (Padding is { } padding)
        {
            PadAll([encoding], padding);
        }
        return encoding;
    }

    /// <summary>Encodes texts on all cores; results are in input order, padded together when padding is set.</summary>
    public IReadOnlyList<TokenEncoding> EncodeBatch(IReadOnlyList<string> texts, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return EncodeBatch(texts.Count, i => (texts[i], null), addSpecialTokens);
    }

    /// <summary>Encodes text pairs on all cores; a null second text encodes the first alone.</summary>
    public IReadOnlyList<TokenEncoding> EncodeBatch(IReadOnlyList<(string Text, string? Pair)> inputs, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return EncodeBatch(inputs.Count, i => inputs[i], addSpecialTokens);
    }

    private TokenEncoding[] EncodeBatch(int count, Func<int, (string, string?)> input, bool addSpecialTokens)
    {
        var results = new TokenEncoding[count];
        Parallel.ForEach(Partitioner.Create(0, count, Math.Max(1, count / (Environment.ProcessorCount * 8))), range =>
        {
            for (int i = range.Item1; i < range.Item2; i++)
            {
                var (text, pair) = input(i);
                results[i] = EncodeUnpadded(text, pair, addSpecialTokens);
            }
        });
        if (Padding is { } padding)
        {
            PadAll(results, padding);
        }
        return results;
    }

    internal static void PadAll(TokenEncoding[] encodings, PaddingOptions padding)
    {
        if (encodings.Length == 0)
        {
            return;
        }
        int length = padding.Strategy == PaddingStrategy.Fixed ? padding.Length : encodings.Max(e => e.Length);
        if (padding.PadToMultipleOf is > 0 and int multiple && length % multiple > 0)
        {
            length += multiple - length % multiple;
        }
        foreach (var encoding in encodings)
        {
            encoding.Pad(length, padding);
        }
    }

    private string TokenOf(int id) => Vocabulary[id] ?? string.Empty;

    private TokenEncoding EncodeUnpadded(string text, string? pair, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        var scanner = WordScanner.Current;
        int firstLimit = Truncation is { } t && t.Strategy != TruncationStrategy.OnlySecond ? t.MaxLength : int.MaxValue;
        int secondLimit = Truncation?.MaxLength ?? int.MaxValue;
        EncodeSequence(scanner, text, scanner.First, firstLimit);
        var first = TokenEncoding.FromBuffer(scanner.First, 0, TokenOf);
        TokenEncoding? second = null;
        if (pair is not null)
        {
            EncodeSequence(scanner, pair, scanner.Second, secondLimit);
            second = TokenEncoding.FromBuffer(scanner.Second, 1, TokenOf);
        }
        if (Truncation is { } truncation)
        {
            int added = addSpecialTokens && PostProcessor is { } post ? post.AddedTokens(second is not null) : 0;
            TruncateEncodings(first, second, truncation with { MaxLength = Math.Max(0, truncation.MaxLength - added) });
        }
        first.SetSequenceIdWithOverflowing(0);
        second?.SetSequenceIdWithOverflowing(1);
        if (addSpecialTokens && PostProcessor is { } processor)
        {
            first = first.WithSpecialTokens([(processor.ClsId, processor.Cls)], [(processor.SepId, processor.Sep)], 0);
            second = second?.WithSpecialTokens([], [(processor.SepId, processor.Sep)], 1);
        }
        return second is null ? first : TokenEncoding.Merge(first, second);
    }

    /// <summary>HF's <c>truncate_encodings</c>, on lengths that already exclude the special tokens.</summary>
    internal static void TruncateEncodings(TokenEncoding first, TokenEncoding? second, TruncationOptions options)
    {
        if (options.MaxLength == 0)
        {
            first.Truncate(0, options.Stride, options.Direction);
            second?.Truncate(0, options.Stride, options.Direction);
            return;
        }
        int total = first.Length + (second?.Length ?? 0);
        if (total <= options.MaxLength)
        {
            return;
        }
        int toRemove = total - options.MaxLength;
        switch (options.Strategy)
        {
            case TruncationStrategy.LongestFirst when second is not null:
            {
                int n1 = first.Length, n2 = second.Length;
                bool swap = n1 > n2;
                if (swap)
                {
                    (n1, n2) = (n2, n1);
                }
                n2 = n1 > options.MaxLength ? n1 : Math.Max(n1, options.MaxLength - n1);
                if (n1 + n2 > options.MaxLength)
                {
                    n1 = options.MaxLength / 2;
                    n2 = n1 + options.MaxLength % 2;
                }
                if (swap)
                {
                    (n1, n2) = (n2, n1);
                }
                first.Truncate(n1, options.Stride, options.Direction);
                second.Truncate(n2, options.Stride, options.Direction);
                break;
            }
            case TruncationStrategy.LongestFirst:
                first.Truncate(total - toRemove, options.Stride, options.Direction);
                break;
            default:
            {
                TokenEncoding target = options.Strategy == TruncationStrategy.OnlyFirst ? first
                    : second ?? throw TruncationException.SecondSequenceNotProvided();
                if (target.Length <= toRemove)
                {
                    throw TruncationException.SequenceTooShort();
                }
                target.Truncate(target.Length - toRemove, options.Stride, options.Direction);
                break;
            }
        }
    }
}
