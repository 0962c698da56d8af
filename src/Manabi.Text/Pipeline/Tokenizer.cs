using System.Collections.Concurrent;

namespace Manabi.Text;

/// <summary>
/// A Hugging Face tokenizer of any kind (HF's <c>Tokenizer</c>): added vocabulary → normalizer → pre-tokenizer → model →
/// truncation → post-processor → padding, and the decoder for the way back. Loads and saves <c>tokenizer.json</c>.
/// When the pipeline is BERT's WordPiece one, encoding runs through the fused <see cref="WordPieceTokenizer"/>
/// (<see cref="WordPiece"/>), which gives the same encodings faster. Immutable and thread-safe.
/// </summary>
public sealed partial class Tokenizer
{
    private readonly AddedVocabulary _added;

    /// <summary>Assembles a tokenizer from its stages; added tokens get their ids as HF's <c>add_tokens</c> gives them.</summary>
    /// <exception cref="ArgumentException">The truncation's stride does not fit its length minus the special tokens.</exception>
    public Tokenizer(ITokenizationModel model, ITextNormalizer? normalizer = null, IPreTokenizer? preTokenizer = null,
        IPostProcessor? postProcessor = null, ITokenDecoder? decoder = null, IEnumerable<AddedToken>? addedTokens = null,
        TruncationOptions? truncation = null, PaddingOptions? padding = null)
        : this(model, normalizer, preTokenizer, postProcessor, decoder, new AddedVocabulary(addedTokens ?? [], model, normalizer),
            truncation, padding, null)
    {
    }

    private Tokenizer(ITokenizationModel model, ITextNormalizer? normalizer, IPreTokenizer? preTokenizer, IPostProcessor? postProcessor,
        ITokenDecoder? decoder, AddedVocabulary added, TruncationOptions? truncation, PaddingOptions? padding, WordPieceTokenizer? wordPiece)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Normalizer = normalizer;
        PreTokenizer = preTokenizer;
        PostProcessor = postProcessor;
        Decoder = decoder;
        _added = added;
        if (truncation is not null)
        {
            int effective = truncation.MaxLength - (postProcessor?.AddedTokens(false) ?? 0);
            if (effective < truncation.Stride)
            {
                throw new ArgumentException(
                    $"tokenizer stride set to {truncation.Stride}, which is greater than or equal to its effective max length of " +
                    $"{effective} (= {truncation.MaxLength} original max length - {postProcessor?.AddedTokens(false) ?? 0} added special tokens)",
                    nameof(truncation));
            }
        }
        Truncation = truncation;
        Padding = padding;
        WordPiece = wordPiece?.WithTruncation(truncation).WithPadding(padding);
        _byteLevel = WordPiece is null ? ByteLevelBpeEncoder.TryCreate(model, normalizer, preTokenizer, postProcessor, added) : null;
    }

    internal static Tokenizer Create(ITokenizationModel model, ITextNormalizer? normalizer, IPreTokenizer? preTokenizer,
        IPostProcessor? postProcessor, ITokenDecoder? decoder, IEnumerable<AddedToken> addedTokens, TruncationOptions? truncation,
        PaddingOptions? padding, WordPieceTokenizer? wordPiece) =>
        new(model, normalizer, preTokenizer, postProcessor, decoder, new AddedVocabulary(addedTokens, model, normalizer), truncation,
            padding, wordPiece);

    /// <summary>The model.</summary>
    public ITokenizationModel Model { get; }

    /// <summary>The normalizer, if any.</summary>
    public ITextNormalizer? Normalizer { get; }

    /// <summary>The pre-tokenizer, if any.</summary>
    public IPreTokenizer? PreTokenizer { get; }

    /// <summary>The post-processor, if any.</summary>
    public IPostProcessor? PostProcessor { get; }

    /// <summary>The decoder, if any (without one, <see cref="Decode"/> joins tokens with spaces, as HF does).</summary>
    public ITokenDecoder? Decoder { get; }

    /// <summary>The added tokens in id order, each with the id it was given.</summary>
    public IReadOnlyCollection<AddedToken> AddedTokens => _added.Tokens;

    /// <summary>Truncation applied by every encode, or null.</summary>
    public TruncationOptions? Truncation { get; }

    /// <summary>Padding applied by every encode, or null.</summary>
    public PaddingOptions? Padding { get; }

    /// <summary>
    /// The fused BERT tokenizer that encodes for this one when its pipeline is BERT's (BertNormalizer, BertPreTokenizer,
    /// WordPiece, BertProcessing or its template, plain added tokens), else null.
    /// </summary>
    public WordPieceTokenizer? WordPiece { get; }

    /// <summary>A copy with other truncation (null: none).</summary>
    public Tokenizer WithTruncation(TruncationOptions? truncation) =>
        new(Model, Normalizer, PreTokenizer, PostProcessor, Decoder, _added, truncation, Padding, WordPiece);

    /// <summary>A copy with other padding (null: none).</summary>
    public Tokenizer WithPadding(PaddingOptions? padding) =>
        new(Model, Normalizer, PreTokenizer, PostProcessor, Decoder, _added, Truncation, padding, WordPiece);

    /// <summary>Loads a <c>tokenizer.json</c> (or the one in a folder).</summary>
    /// <exception cref="TokenizerFormatException">The file is missing or malformed; the message names the file and JSON path.</exception>
    public static Tokenizer FromFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            path = Path.Combine(path, WordPieceTokenizer.TokenizerJsonFileName);
        }
        if (!File.Exists(path))
        {
            throw new TokenizerFormatException("the tokenizer file does not exist", path, 0);
        }
        return TokenizerJson.Read(File.ReadAllBytes(path), path);
    }

    /// <summary>Loads a tokenizer from the text of a <c>tokenizer.json</c>.</summary>
    /// <exception cref="TokenizerFormatException">Malformed JSON or an unknown or invalid component, named by its JSON path.</exception>
    public static Tokenizer FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return TokenizerJson.Read(System.Text.Encoding.UTF8.GetBytes(json), null);
    }

    /// <summary>The <c>tokenizer.json</c> text of this tokenizer (HF's layout; HF tokenizers loads it).</summary>
    /// <exception cref="NotSupportedException">A stage has no tokenizer.json form (a user's own implementation).</exception>
    public string ToJson() => TokenizerJson.Write(this);

    /// <summary>Saves <c>tokenizer.json</c> atomically (a temporary file renamed over the target).</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.WriteAllText(path, ToJson());
    }

    /// <summary>Encodes one text.</summary>
    /// <exception cref="TruncationException">HF refuses this truncation.</exception>
    public TokenEncoding Encode(string text, bool addSpecialTokens = true) => Encode(text, null, addSpecialTokens);

    /// <summary>Encodes a text or, with <paramref name="pair"/>, a pair of texts.</summary>
    /// <exception cref="TruncationException">HF refuses this truncation (e.g. only_second without a pair).</exception>
    public TokenEncoding Encode(string text, string? pair, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (WordPiece is { } fused)
        {
            return fused.Encode(text, pair, addSpecialTokens);
        }
        var encoding = EncodeUnpadded(text, pair, addSpecialTokens);
        if (Padding is { } padding)
        {
            WordPieceTokenizer.PadAll([encoding], padding);
        }
        return encoding;
    }

    /// <summary>Encodes texts on all cores; results in input order, padded together when padding is set.</summary>
    public IReadOnlyList<TokenEncoding> EncodeBatch(IReadOnlyList<string> texts, bool addSpecialTokens = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return EncodeBatch(texts.Count, i => (texts[i], null), addSpecialTokens, cancellationToken);
    }

    /// <summary>Encodes pairs on all cores (a null second text encodes the first alone); padded together when padding is set.</summary>
    public IReadOnlyList<TokenEncoding> EncodeBatch(IReadOnlyList<(string Text, string? Pair)> inputs, bool addSpecialTokens = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return EncodeBatch(inputs.Count, i => inputs[i], addSpecialTokens, cancellationToken);
    }

    private TokenEncoding[] EncodeBatch(int count, Func<int, (string Text, string? Pair)> input, bool addSpecialTokens,
        CancellationToken cancellationToken)
    {
        var results = new TokenEncoding[count];
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        var unpadded = WordPiece?.WithPadding(null);
        Parallel.ForEach(Partitioner.Create(0, count, Math.Max(1, count / (Environment.ProcessorCount * 8))), options, range =>
        {
            for (int i = range.Item1; i < range.Item2; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (text, pair) = input(i);
                ArgumentNullException.ThrowIfNull(text);
                results[i] = unpadded is not null ? unpadded.Encode(text, pair, addSpecialTokens) : EncodeUnpadded(text, pair, addSpecialTokens);
            }
        });
        if (Padding is { } padding)
        {
            WordPieceTokenizer.PadAll(results, padding);
        }
        return results;
    }

    /// <summary>How many tokens <paramref name="text"/> encodes to, before truncation and padding.</summary>
    public int CountTokens(string text, bool addSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        int added = addSpecialTokens ? PostProcessor?.AddedTokens(false) ?? 0 : 0;
        if (WordPiece is { } fused)
        {
            return fused.CountTokens(text) + added;
        }
        return EncodeSequence(text, 0, limit: false).Length + added;
    }

    /// <summary>
    /// Decodes ids (HF's <c>decode</c>): added tokens by their (normalized) content, others by the model; special
    /// tokens dropped when <paramref name="skipSpecialTokens"/>; then the decoder, or spaces between tokens without one.
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (int id in ids)
        {
            if ((_added.GetToken(id) ?? Model.GetToken(id)) is { } token && !(skipSpecialTokens && _added.IsSpecial(token)))
            {
                tokens.Add(token);
            }
        }
        if (Decoder is null)
        {
            return string.Join(' ', tokens);
        }
        Decoder.DecodeChain(tokens);
        return string.Concat(tokens);
    }

    /// <summary>The id of a token, added vocabulary first, or null.</summary>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _added.TryGetId(token, out int id) || Model.TryGetId(token, out id) ? id : null;
    }

    /// <summary>The token of an id, added vocabulary first, or null.</summary>
    public string? IdToToken(int id) => _added.GetToken(id) ?? Model.GetToken(id);

    /// <summary>The vocabulary size, with the added tokens that the model does not already have (HF's <c>get_vocab_size</c>).</summary>
    public int GetVocabularySize(bool withAddedTokens = true) => withAddedTokens
        ? Model.VocabularySize + _added.Tokens.Count(t => !Model.TryGetId(t.Content, out _))
        : Model.VocabularySize;

    internal AddedVocabulary AddedVocabulary => _added;

    private TokenEncoding EncodeUnpadded(string text, string? pair, bool addSpecialTokens)
    {
        var first = EncodeSequence(text, 0, limit: true);
        var second = pair is null ? null : EncodeSequence(pair, 1, limit: true);
        if (Truncation is { } truncation)
        {
            int added = addSpecialTokens ? PostProcessor?.AddedTokens(second is not null) ?? 0 : 0;
            WordPieceTokenizer.TruncateEncodings(first, second,
                added > 0 ? truncation with { MaxLength = Math.Max(0, truncation.MaxLength - added) } : truncation);
        }
        return PostProcessor is { } processor
            ? processor.Process(first, second, addSpecialTokens)
            : PostProcessing.DefaultProcess(first, second);
    }

    /// <summary>HF's <c>encode_single_sequence</c> then <c>do_tokenize</c>, with its early stop under truncation.</summary>
    private TokenEncoding EncodeSequence(string sequence, int typeId, bool limit)
    {
        // The fused byte-level path, except where truncation stops tokenizing early (its windows need the general path).
        if (_byteLevel is { } fused && !(limit && Truncation is not null) && fused.TryEncode(sequence, out var buffer))
        {
            return fused.ToEncoding(buffer, typeId);
        }
        var text = _added.ExtractAndNormalize(sequence);
        PreTokenizer?.PreTokenize(text);
        if (limit && Truncation is { } t && (t.Strategy != TruncationStrategy.OnlySecond || typeId != 0))
        {
            text.TokenizeWithLimit(Model, t.MaxLength, t.Direction);
        }
        else
        {
            text.Tokenize(Model);
        }
        return text.ToEncoding(null, typeId);
    }
}
