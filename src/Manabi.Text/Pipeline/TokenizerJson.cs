using System.Text.Json;

namespace Manabi.Text;

/// <summary>
/// Reads and writes HF's <c>tokenizer.json</c>. Each stage goes through its registry: <c>NormalizerJson</c>,
/// <c>PreTokenizerJson</c>, <c>DecoderJson</c>, <c>ModelJson</c> (each in its stage's folder: <c>Read</c> returns null for a
/// type it does not know, <c>Write</c> throws NotSupportedException) and <see cref="PostProcessorJson"/>; WordLevel and
/// WordPiece models are read here. Errors are <see cref="TokenizerFormatException"/>s naming the file and the JSON
/// path, e.g. <c>tokenizer.json: normalizer.normalizers[1]: unknown normalizer type 'Foo'</c>.
/// </summary>
internal static class TokenizerJson
{
    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Tokenizer Read(byte[] utf8, string? filePath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException($"malformed JSON: {e.Message}", filePath, (int)(e.LineNumber ?? 0) + 1, e);
        }
        using (document)
        {
            try
            {
                return Read(document.RootElement);
            }
            catch (TokenizerFormatException e) when (e.FilePath is null && filePath is not null)
            {
                throw new TokenizerFormatException(e.Problem, filePath, 0, e);
            }
        }
    }

    private static Tokenizer Read(JsonElement root)
    {
        JsonFields.RequireObject(root, "(root)");
        if (JsonFields.OptionalString(root, "version", "") is { } version && version != "1.0")
        {
            throw JsonFields.Error("version", $"unknown tokenizer version '{version}'");
        }
        var truncation = JsonFields.Optional(root, "truncation", "") is { } t ? ReadTruncation(t, "truncation") : null;
        var padding = JsonFields.Optional(root, "padding", "") is { } p ? ReadPadding(p, "padding") : null;
        var added = new List<AddedToken>();
        if (JsonFields.Optional(root, "added_tokens", "") is { } tokens)
        {
            if (tokens.ValueKind != JsonValueKind.Array)
            {
                throw JsonFields.Error("added_tokens", $"expected an array, found {JsonFields.Describe(tokens.ValueKind)}");
            }
            int i = 0;
            foreach (var token in tokens.EnumerateArray())
            {
                added.Add(ReadAddedToken(token, $"added_tokens[{i++}]"));
            }
        }
        var model = ReadModel(JsonFields.Required(root, "model", ""), "model");
        var normalizerElement = JsonFields.Optional(root, "normalizer", "");
        var preTokenizerElement = JsonFields.Optional(root, "pre_tokenizer", "");
        var decoderElement = JsonFields.Optional(root, "decoder", "");
        var postProcessor = JsonFields.Optional(root, "post_processor", "") is { } pp ? PostProcessorJson.Read(pp, "post_processor") : null;

        // BERT's pipeline encodes through the fused WordPieceTokenizer; its stages then need no registry entry here.
        var fused = model is WordPieceModel wordPiece ? TryFuse(root, wordPiece, added, postProcessor) : null;
        ITextNormalizer? normalizer = null;
        if (normalizerElement is { } n)
        {
            normalizer = NormalizerJson.Read(n, "normalizer");
            if (normalizer is null && !(fused is not null && JsonFields.Type(n, "normalizer") == "BertNormalizer"))
            {
                throw Unknown(n, "normalizer", "normalizer");
            }
        }
        IPreTokenizer? preTokenizer = null;
        if (preTokenizerElement is { } pt)
        {
            preTokenizer = PreTokenizerJson.Read(pt, "pre_tokenizer");
            if (preTokenizer is null && !(fused is not null && JsonFields.Type(pt, "pre_tokenizer") == "BertPreTokenizer"))
            {
                throw Unknown(pt, "pre_tokenizer", "pre-tokenizer");
            }
        }
        ITokenDecoder? decoder = null;
        if (decoderElement is { } d)
        {
            decoder = DecoderJson.Read(d, "decoder");
            if (decoder is null && JsonFields.Type(d, "decoder") == "WordPiece")
            {
                decoder = new WordPieceChainDecoder(new WordPieceDecoder(JsonFields.OptionalString(d, "prefix", "decoder") ?? "##",
                    JsonFields.OptionalBool(d, "cleanup", "decoder") ?? true));
            }
            if (decoder is null)
            {
                throw Unknown(d, "decoder", "decoder");
            }
        }
        try
        {
            return Tokenizer.Create(model, normalizer, preTokenizer, postProcessor, decoder, added, truncation, padding, fused);
        }
        catch (ArgumentException e)
        {
            throw JsonFields.Error("truncation", e.Message);
        }
    }

    /// <summary>"PATH: unknown KIND type 'T'", or the missing-type error.</summary>
    internal static TokenizerFormatException Unknown(JsonElement e, string path, string kind) =>
        JsonFields.Error(path, $"unknown {kind} type '{JsonFields.Type(e, path)}'");

    private static WordPieceTokenizer? TryFuse(JsonElement root, WordPieceModel model, List<AddedToken> added, IPostProcessor? postProcessor)
    {
        if (JsonFields.Optional(root, "normalizer", "") is { } n && JsonFields.Type(n, "normalizer") != "BertNormalizer")
        {
            return null;
        }
        if (JsonFields.Optional(root, "pre_tokenizer", "") is not { } pt || JsonFields.Type(pt, "pre_tokenizer") != "BertPreTokenizer")
        {
            return null;
        }
        if (postProcessor is not (null or BertPostProcessor) && !IsBertTemplate(postProcessor))
        {
            return null;
        }
        // The decoder does not matter: decoding always takes the general path. The fused path matches added tokens in
        // the raw text only, and takes their ids as given.
        var vocabulary = new AddedVocabulary(added, model, null);
        if (added.Any(a => a.Normalized || a.LStrip || a.RStrip || a.SingleWord)
            || vocabulary.Tokens.Count != added.Count
            || added.Any(a => !vocabulary.TryGetId(a.Content, out int id) || id != a.Id))
        {
            return null;
        }
        try
        {
            return WordPieceTokenizer.FromTokenizerJson(root);
        }
        catch (TokenizerFormatException)
        {
            return null;
        }
    }

    private static bool IsBertTemplate(IPostProcessor processor)
    {
        if (processor is not TemplatePostProcessor template || template.Single.Count != 3 || template.Pair.Count != 5)
        {
            return false;
        }
        bool Special(TemplatePiece piece, int typeId, out string token)
        {
            token = piece.SpecialToken ?? "";
            return !piece.IsSequence && piece.TypeId == typeId && template.SpecialTokens[token] is { Ids.Count: 1 } s && s.Tokens[0] == token;
        }
        var (single, pair) = (template.Single, template.Pair);
        return Special(single[0], 0, out string cls) && single[1] is { IsSequence: true, Sequence: 0, TypeId: 0 }
            && Special(single[2], 0, out string sep)
            && Special(pair[0], 0, out string cls2) && cls2 == cls && pair[1] is { IsSequence: true, Sequence: 0, TypeId: 0 }
            && Special(pair[2], 0, out string sep2) && sep2 == sep && pair[3] is { IsSequence: true, Sequence: 1, TypeId: 1 }
            && Special(pair[4], 1, out string sep3) && sep3 == sep;
    }

    private static AddedToken ReadAddedToken(JsonElement e, string path)
    {
        string content = JsonFields.String(e, "content", path);
        int id = JsonFields.Int(e, "id", path);
        bool special = JsonFields.OptionalBool(e, "special", path) ?? false;
        return new AddedToken(content, id, special)
        {
            SingleWord = JsonFields.OptionalBool(e, "single_word", path) ?? false,
            LStrip = JsonFields.OptionalBool(e, "lstrip", path) ?? false,
            RStrip = JsonFields.OptionalBool(e, "rstrip", path) ?? false,
            Normalized = JsonFields.OptionalBool(e, "normalized", path) ?? true,
        };
    }

    private static TruncationOptions ReadTruncation(JsonElement e, string path)
    {
        int maxLength = JsonFields.Int(e, "max_length", path);
        int stride = JsonFields.OptionalInt(e, "stride", path) ?? 0;
        if (maxLength < 0 || stride < 0)
        {
            throw JsonFields.Error(path, "max_length and stride must not be negative");
        }
        var strategy = (JsonFields.OptionalString(e, "strategy", path) ?? "LongestFirst") switch
        {
            "LongestFirst" => TruncationStrategy.LongestFirst,
            "OnlyFirst" => TruncationStrategy.OnlyFirst,
            "OnlySecond" => TruncationStrategy.OnlySecond,
            var other => throw JsonFields.Error(JsonFields.Child(path, "strategy"), $"unknown strategy '{other}' (LongestFirst, OnlyFirst, OnlySecond)"),
        };
        return new TruncationOptions(maxLength, strategy, stride, ReadDirection<TruncationDirection>(e, path));
    }

    private static PaddingOptions ReadPadding(JsonElement e, string path)
    {
        PaddingOptions options;
        var strategy = JsonFields.Optional(e, "strategy", path);
        if (strategy is null || strategy.Value.ValueKind == JsonValueKind.String && strategy.Value.GetString() == "BatchLongest")
        {
            options = new PaddingOptions();
        }
        else if (strategy.Value.ValueKind == JsonValueKind.Object && strategy.Value.TryGetProperty("Fixed", out var length))
        {
            int fixedLength = JsonFields.AsInt(length, $"{path}.strategy.Fixed");
            if (fixedLength < 0)
            {
                throw JsonFields.Error($"{path}.strategy.Fixed", "must not be negative");
            }
            options = new PaddingOptions(fixedLength);
        }
        else
        {
            throw JsonFields.Error(JsonFields.Child(path, "strategy"), "expected \"BatchLongest\" or {\"Fixed\": N}");
        }
        return options with
        {
            Direction = ReadDirection<PaddingDirection>(e, path),
            PadToMultipleOf = JsonFields.OptionalInt(e, "pad_to_multiple_of", path),
            PadId = JsonFields.OptionalInt(e, "pad_id", path) ?? 0,
            PadTypeId = JsonFields.OptionalInt(e, "pad_type_id", path) ?? 0,
            PadToken = JsonFields.OptionalString(e, "pad_token", path) ?? "[PAD]",
        };
    }

    private static T ReadDirection<T>(JsonElement e, string path) where T : struct, Enum =>
        JsonFields.OptionalString(e, "direction", path) switch
        {
            null => Enum.Parse<T>("Right"),
            "Left" or "Right" => Enum.Parse<T>(JsonFields.OptionalString(e, "direction", path)!),
            var other => throw JsonFields.Error(JsonFields.Child(path, "direction"), $"unknown direction '{other}' (Left, Right)"),
        };

    private static ITokenizationModel ReadModel(JsonElement e, string path)
    {
        JsonFields.RequireObject(e, path);
        // HF accepts a model without "type" by trying each kind; the two read here are told apart by their fields.
        string type = JsonFields.Optional(e, "type", path) is { } t ? JsonFields.AsString(t, JsonFields.Child(path, "type"))
            : e.TryGetProperty("continuing_subword_prefix", out _) || e.TryGetProperty("max_input_chars_per_word", out _) ? "WordPiece"
            : e.TryGetProperty("merges", out _) || e.TryGetProperty("vocab", out var v) && v.ValueKind == JsonValueKind.Array ? ""
            : "WordLevel";
        switch (type)
        {
            case "WordLevel":
                return new WordLevelModel(ReadVocabulary(e, path), JsonFields.String(e, "unk_token", path));
            case "WordPiece":
            {
                var vocabulary = ReadVocabulary(e, path);
                if (vocabulary.Count == 0)
                {
                    throw JsonFields.Error(JsonFields.Child(path, "vocab"), "the vocabulary is empty");
                }
                string unknown = JsonFields.OptionalString(e, "unk_token", path) ?? "[UNK]";
                if (!vocabulary.ContainsKey(unknown))
                {
                    throw JsonFields.Error(JsonFields.Child(path, "unk_token"), $"the vocabulary has no unknown token '{unknown}'");
                }
                return new WordPieceModel(new WordPieceVocabulary(vocabulary), unknown,
                    JsonFields.OptionalString(e, "continuing_subword_prefix", path) ?? "##",
                    JsonFields.OptionalInt(e, "max_input_chars_per_word", path) ?? 100);
            }
            default:
                return ModelJson.Read(e, path) ?? throw Unknown(e, path, "model");
        }
    }

    private static Dictionary<string, int> ReadVocabulary(JsonElement e, string path)
    {
        var vocab = JsonFields.Required(e, "vocab", path);
        string vocabPath = JsonFields.Child(path, "vocab");
        JsonFields.RequireObject(vocab, vocabPath);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocab.EnumerateObject())
        {
            int id = JsonFields.AsInt(entry.Value, $"{vocabPath}[\"{entry.Name}\"]");
            if (id < 0)
            {
                throw JsonFields.Error($"{vocabPath}[\"{entry.Name}\"]", "ids must not be negative");
            }
            // A duplicated key keeps its last value, as serde's map does.
            result[entry.Name] = id;
        }
        return result;
    }

    public static string Write(Tokenizer tokenizer)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WritePropertyName("truncation");
            WriteTruncation(w, tokenizer.Truncation);
            w.WritePropertyName("padding");
            WritePadding(w, tokenizer.Padding);
            w.WriteStartArray("added_tokens");
            foreach (var token in tokenizer.AddedTokens)
            {
                w.WriteStartObject();
                w.WriteNumber("id", token.Id);
                w.WriteString("content", token.Content);
                w.WriteBoolean("single_word", token.SingleWord);
                w.WriteBoolean("lstrip", token.LStrip);
                w.WriteBoolean("rstrip", token.RStrip);
                w.WriteBoolean("normalized", token.Normalized);
                w.WriteBoolean("special", token.Special);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            var fused = tokenizer.WordPiece;
            w.WritePropertyName("normalizer");
            if (tokenizer.Normalizer is { } normalizer)
            {
                NormalizerJson.Write(w, normalizer);
            }
            else if (fused is not null)
            {
                WriteBertNormalizer(w, fused.Normalizer);
            }
            else
            {
                w.WriteNullValue();
            }
            w.WritePropertyName("pre_tokenizer");
            if (tokenizer.PreTokenizer is { } preTokenizer)
            {
                PreTokenizerJson.Write(w, preTokenizer);
            }
            else if (fused is not null)
            {
                w.WriteStartObject();
                w.WriteString("type", "BertPreTokenizer");
                w.WriteEndObject();
            }
            else
            {
                w.WriteNullValue();
            }
            w.WritePropertyName("post_processor");
            if (tokenizer.PostProcessor is { } postProcessor)
            {
                PostProcessorJson.Write(w, postProcessor);
            }
            else
            {
                w.WriteNullValue();
            }
            w.WritePropertyName("decoder");
            switch (tokenizer.Decoder)
            {
                case null:
                    w.WriteNullValue();
                    break;
                case WordPieceChainDecoder wordPiece:
                    DecoderJson.Write(w, wordPiece.Decoder);
                    break;
                case var decoder:
                    DecoderJson.Write(w, decoder);
                    break;
            }
            w.WritePropertyName("model");
            WriteModel(w, tokenizer.Model);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    internal static void WriteBertNormalizer(Utf8JsonWriter w, BertNormalizer normalizer)
    {
        w.WriteStartObject();
        w.WriteString("type", "BertNormalizer");
        w.WriteBoolean("clean_text", normalizer.CleanText);
        w.WriteBoolean("handle_chinese_chars", normalizer.HandleChineseChars);
        if (normalizer.StripAccents is { } strip)
        {
            w.WriteBoolean("strip_accents", strip);
        }
        else
        {
            w.WriteNull("strip_accents");
        }
        w.WriteBoolean("lowercase", normalizer.Lowercase);
        w.WriteEndObject();
    }

    internal static void WriteTruncation(Utf8JsonWriter w, TruncationOptions? t)
    {
        if (t is null)
        {
            w.WriteNullValue();
            return;
        }
        w.WriteStartObject();
        w.WriteString("direction", t.Direction.ToString());
        w.WriteNumber("max_length", t.MaxLength);
        w.WriteString("strategy", t.Strategy.ToString());
        w.WriteNumber("stride", t.Stride);
        w.WriteEndObject();
    }

    internal static void WritePadding(Utf8JsonWriter w, PaddingOptions? p)
    {
        if (p is null)
        {
            w.WriteNullValue();
            return;
        }
        w.WriteStartObject();
        if (p.Strategy == PaddingStrategy.Fixed)
        {
            w.WriteStartObject("strategy");
            w.WriteNumber("Fixed", p.Length);
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("strategy", "BatchLongest");
        }
        w.WriteString("direction", p.Direction.ToString());
        if (p.PadToMultipleOf is { } multiple)
        {
            w.WriteNumber("pad_to_multiple_of", multiple);
        }
        else
        {
            w.WriteNull("pad_to_multiple_of");
        }
        w.WriteNumber("pad_id", p.PadId);
        w.WriteNumber("pad_type_id", p.PadTypeId);
        w.WriteString("pad_token", p.PadToken);
        w.WriteEndObject();
    }

    private static void WriteModel(Utf8JsonWriter w, ITokenizationModel model)
    {
        switch (model)
        {
            case WordLevelModel wordLevel:
                w.WriteStartObject();
                w.WriteString("type", "WordLevel");
                WriteVocabulary(w, wordLevel.Vocabulary.Select(kv => (kv.Key, kv.Value)));
                w.WriteString("unk_token", wordLevel.UnknownToken);
                w.WriteEndObject();
                break;
            case WordPieceModel wordPiece:
                WriteWordPieceModel(w, wordPiece);
                break;
            default:
                ModelJson.Write(w, model);
                break;
        }
    }

    internal static void WriteWordPieceModel(Utf8JsonWriter w, WordPieceModel wordPiece)
    {
        w.WriteStartObject();
        w.WriteString("type", "WordPiece");
        w.WriteString("unk_token", wordPiece.UnknownToken);
        w.WriteString("continuing_subword_prefix", wordPiece.ContinuingSubwordPrefix);
        w.WriteNumber("max_input_chars_per_word", wordPiece.MaxInputCharsPerWord);
        WriteVocabulary(w, wordPiece.Vocabulary.Entries);
        w.WriteEndObject();
    }

    private static void WriteVocabulary(Utf8JsonWriter w, IEnumerable<(string Token, int Id)> entries)
    {
        w.WriteStartObject("vocab");
        foreach (var (token, id) in entries.OrderBy(e => e.Id).ThenBy(e => e.Token, StringComparer.Ordinal))
        {
            w.WriteNumber(token, id);
        }
        w.WriteEndObject();
    }
}

/// <summary>The existing <see cref="WordPieceDecoder"/> as a decode-chain stage (the whole chain becomes one string).</summary>
internal sealed class WordPieceChainDecoder(WordPieceDecoder decoder) : ITokenDecoder
{
    public WordPieceDecoder Decoder { get; } = decoder;

    public void DecodeChain(List<string> tokens)
    {
        string text = Decoder.Decode(tokens);
        tokens.Clear();
        tokens.Add(text);
    }
}
