using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Manabi.Text;

public sealed partial class WordPieceTokenizer
{
    /// <summary>
    /// Loads a tokenizer from <c>vocab.txt</c>, <c>tokenizer.json</c>, or a folder holding either (tokenizer.json
    /// preferred). A <c>tokenizer_config.json</c> beside a vocab.txt supplies <c>do_lower_case</c>,
    /// <c>strip_accents</c> and <c>tokenize_chinese_chars</c>.
    /// </summary>
    /// <exception cref="TokenizerFormatException">The file is missing, empty, malformed or lacks its unknown token.</exception>
    public static WordPieceTokenizer Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            string json = Path.Combine(path, "tokenizer.json");
            string vocab = Path.Combine(path, "vocab.txt");
            return File.Exists(json) ? FromTokenizerJson(json)
                : File.Exists(vocab) ? FromVocabFile(vocab)
                : throw new TokenizerFormatException("no tokenizer.json or vocab.txt in this folder", path, 0);
        }
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? FromTokenizerJson(path) : FromVocabFile(path);
    }

    /// <summary>
    /// Loads BERT's <c>vocab.txt</c> as HF's <c>BertWordPieceTokenizer</c> would, honouring a sibling
    /// <c>tokenizer_config.json</c>; <paramref name="lowercase"/> overrides both.
    /// </summary>
    /// <exception cref="TokenizerFormatException">Missing, empty, not UTF-8, or without <c>[UNK]</c>.</exception>
    public static WordPieceTokenizer FromVocabFile(string path, bool? lowercase = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new TokenizerFormatException("the vocabulary file does not exist", path, 0);
        }
        var vocabulary = WordPieceVocabulary.Load(path);
        string unknown = "[UNK]";
        bool? configLowercase = null;
        bool? stripAccents = null;
        bool chinese = true;
        string config = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "tokenizer_config.json");
        if (File.Exists(config))
        {
            JsonNode? node = ParseJson(config);
            configLowercase = node?["do_lower_case"]?.GetValue<bool>();
            stripAccents = node?["strip_accents"]?.GetValue<bool>();
            chinese = node?["tokenize_chinese_chars"]?.GetValue<bool>() ?? true;
            unknown = node?["unk_token"] is JsonValue u ? u.GetValue<string>() : node?["unk_token"]?["content"]?.GetValue<string>() ?? unknown;
        }
        if (!vocabulary.Contains(unknown))
        {
            throw new TokenizerFormatException($"the vocabulary has no unknown token '{unknown}'", path, 0);
        }
        bool lower = lowercase ?? configLowercase ?? true;
        var tokenizer = CreateBert(vocabulary, lower);
        var normalizer = new BertNormalizer(true, chinese, lowercase is null ? stripAccents : null, lower);
        return tokenizer.WithNormalizer(normalizer);
    }

    /// <summary>Loads HF's <c>tokenizer.json</c> with a WordPiece model (BERT normalizer, post-processor, truncation, padding).</summary>
    /// <exception cref="TokenizerFormatException">Malformed JSON (with its line), another model type, or no unknown token.</exception>
    public static WordPieceTokenizer FromTokenizerJson(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        JsonNode root = ParseJson(path) ?? throw new TokenizerFormatException("empty tokenizer.json", path, 1);
        return FromTokenizerJson(root, path);
    }

    /// <summary>The fused BERT tokenizer of a parsed tokenizer.json (used by <see cref="Tokenizer"/>'s BERT specialization).</summary>
    internal static WordPieceTokenizer FromTokenizerJson(System.Text.Json.JsonElement root) =>
        FromTokenizerJson(JsonNode.Parse(root.GetRawText()) ?? throw new TokenizerFormatException("empty tokenizer.json"), null);

    private static WordPieceTokenizer FromTokenizerJson(JsonNode root, string? path)
    {
        try
        {
            JsonNode model = root["model"] ?? throw new TokenizerFormatException("no \"model\" block", path, 0);
            string type = model["type"]?.GetValue<string>() ?? "WordPiece";
            if (type != "WordPiece")
            {
                throw new TokenizerFormatException($"model type {type} is not supported (only WordPiece)", path, 0);
            }
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (token, id) in model["vocab"]?.AsObject() ?? throw new TokenizerFormatException("the model has no vocab", path, 0))
            {
                ids[token] = id!.GetValue<int>();
            }
            if (ids.Count == 0)
            {
                throw new TokenizerFormatException("the vocabulary is empty", path, 0);
            }
            var vocabulary = new WordPieceVocabulary(ids);
            string unknown = model["unk_token"]?.GetValue<string>() ?? "[UNK]";
            if (!vocabulary.Contains(unknown))
            {
                throw new TokenizerFormatException($"the vocabulary has no unknown token '{unknown}'", path, 0);
            }
            var wordPiece = new WordPieceModel(vocabulary, unknown, model["continuing_subword_prefix"]?.GetValue<string>() ?? "##",
                model["max_input_chars_per_word"]?.GetValue<int>() ?? 100);
            var added = new List<AddedToken>();
            foreach (JsonNode? token in root["added_tokens"]?.AsArray() ?? [])
            {
                added.Add(new AddedToken(token!["content"]!.GetValue<string>(), token["id"]!.GetValue<int>(),
                    token["special"]?.GetValue<bool>() ?? false));
            }
            BertNormalizer normalizer = root["normalizer"] is JsonObject n && n["type"]?.GetValue<string>() == "BertNormalizer"
                ? new BertNormalizer(n["clean_text"]?.GetValue<bool>() ?? true, n["handle_chinese_chars"]?.GetValue<bool>() ?? true,
                    n["strip_accents"]?.GetValue<bool?>(), n["lowercase"]?.GetValue<bool>() ?? true)
                : root["normalizer"] is null ? new BertNormalizer(false, false, false, false)
                : throw new TokenizerFormatException($"normalizer {root["normalizer"]!["type"]} is not supported", path, 0);
            var decoder = root["decoder"] is JsonObject d && d["type"]?.GetValue<string>() == "WordPiece"
                ? new WordPieceDecoder(d["prefix"]?.GetValue<string>() ?? "##", d["cleanup"]?.GetValue<bool>() ?? true)
                : null;
            return new WordPieceTokenizer(wordPiece, normalizer, ReadPostProcessor(root["post_processor"], path), added, decoder,
                ReadTruncation(root["truncation"]), ReadPadding(root["padding"]));
        }
        // The reads above use `!` for required fields and trust each field's JSON type: a missing field (null), a
        // wrong type (InvalidOperation/Format), a duplicate key or an out-of-range value (Argument) or an empty
        // array (ArgumentOutOfRange) all mean a malformed file, and fuzzing reached each of them.
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException or NullReferenceException
            or ArgumentException or IndexOutOfRangeException or OverflowException && e is not TokenizerFormatException)
        {
            throw new TokenizerFormatException($"unexpected tokenizer.json content: {e.Message}", path, 0, e);
        }
    }

    private static JsonNode? ParseJson(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException($"malformed JSON: {e.Message}", path, (int)(e.LineNumber ?? 0) + 1, e);
        }
    }

    private static BertPostProcessor? ReadPostProcessor(JsonNode? node, string? path)
    {
        switch (node?["type"]?.GetValue<string>())
        {
            case null:
                return null;
            case "BertProcessing":
                return new BertPostProcessor(node["cls"]![0]!.GetValue<string>(), node["cls"]![1]!.GetValue<int>(),
                    node["sep"]![0]!.GetValue<string>(), node["sep"]![1]!.GetValue<int>());
            case "TemplateProcessing":
            {
                // BERT's template ([CLS] $A [SEP] / [CLS] $A [SEP] $B:1 [SEP]:1) maps onto the BERT post-processor.
                var single = node["single"]!.AsArray();
                string cls = single[0]!["SpecialToken"]!["id"]!.GetValue<string>();
                string sep = single[^1]!["SpecialToken"]!["id"]!.GetValue<string>();
                int Id(string token) => node["special_tokens"]![token]!["ids"]![0]!.GetValue<int>();
                return new BertPostProcessor(cls, Id(cls), sep, Id(sep));
            }
            case var other:
                throw new TokenizerFormatException($"post-processor {other} is not supported", path, 0);
        }
    }

    private static TruncationOptions? ReadTruncation(JsonNode? node) => node is null ? null
        : new TruncationOptions(node["max_length"]!.GetValue<int>(),
            node["strategy"]?.GetValue<string>() switch
            {
                "OnlyFirst" => TruncationStrategy.OnlyFirst,
                "OnlySecond" => TruncationStrategy.OnlySecond,
                _ => TruncationStrategy.LongestFirst,
            },
            node["stride"]?.GetValue<int>() ?? 0,
            node["direction"]?.GetValue<string>() == "Left" ? TruncationDirection.Left : TruncationDirection.Right);

    private static PaddingOptions? ReadPadding(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }
        var options = node["strategy"] is JsonObject strategy && strategy["Fixed"] is { } length
            ? new PaddingOptions(length.GetValue<int>())
            : new PaddingOptions();
        return options with
        {
            Direction = node["direction"]?.GetValue<string>() == "Left" ? PaddingDirection.Left : PaddingDirection.Right,
            PadToMultipleOf = node["pad_to_multiple_of"]?.GetValue<int?>(),
            PadId = node["pad_id"]?.GetValue<int>() ?? 0,
            PadTypeId = node["pad_type_id"]?.GetValue<int>() ?? 0,
            PadToken = node["pad_token"]?.GetValue<string>() ?? "[PAD]",
        };
    }

    /// <summary>
    /// Saves <c>vocab.txt</c> and <c>tokenizer.json</c> into the folder <paramref name="path"/> (created if needed)
    /// as a set: both are written into a temporary sibling folder (<c>.NAME.tmp-PID</c>) first, which then becomes
    /// the folder when it is new, or whose two files replace the folder's only after both are complete. A failure
    /// (a full disk) thus never leaves a <c>vocab.txt</c> without its <c>tokenizer.json</c>, nor one file of a new
    /// set beside one of the old.
    /// </summary>
    /// <exception cref="IOException">A write or rename failed; the folder keeps what it held before.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or its parent cannot be written.</exception>
    public void SaveFolder(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string parent = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' is a root folder; choose a folder inside it.", nameof(path));
        Directory.CreateDirectory(parent);
        // A sibling, so the final renames stay on one file system (and are therefore atomic).
        string temporary = Path.Combine(parent, $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(temporary);
            SaveVocab(Path.Combine(temporary, VocabFileName));
            SaveTokenizerJson(Path.Combine(temporary, TokenizerJsonFileName));
            if (!Directory.Exists(full))
            {
                Directory.Move(temporary, full);
            }
            else
            {
                // Existing folders may hold other files (a config, a model), so only the two files are replaced.
                File.Move(Path.Combine(temporary, VocabFileName), Path.Combine(full, VocabFileName), overwrite: true);
                File.Move(Path.Combine(temporary, TokenizerJsonFileName), Path.Combine(full, TokenizerJsonFileName), overwrite: true);
            }
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                try
                {
                    Directory.Delete(temporary, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Leaving a hidden temporary folder behind beats hiding the write's own error.
                }
            }
        }
    }

    /// <summary>The vocabulary's file name in a tokenizer folder (see <see cref="SaveFolder"/>).</summary>
    public const string VocabFileName = "vocab.txt";

    /// <summary>The Hugging Face tokenizer file's name in a tokenizer folder (see <see cref="SaveFolder"/>).</summary>
    public const string TokenizerJsonFileName = "tokenizer.json";

    /// <summary>Saves <c>vocab.txt</c> (tokens in id order).</summary>
    public void SaveVocab(string path) => Vocabulary.Save(path);

    /// <summary>Saves HF's <c>tokenizer.json</c> (loadable by HF tokenizers' <c>Tokenizer.from_file</c>).</summary>
    public void SaveTokenizerJson(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.WriteAllText(path, System.Text.Encoding.UTF8.GetString(TokenizerJsonBytes()));
    }

    /// <summary>
    /// This tokenizer as the general <see cref="Tokenizer"/> (the same pipeline, encoding through this fused path), for
    /// APIs that take any tokenizer.
    /// </summary>
    public Tokenizer ToTokenizer() => TokenizerJson.Read(TokenizerJsonBytes(), null);

    private byte[] TokenizerJsonBytes()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, TokenizerJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("version", "1.0");
            json.WritePropertyName("truncation");
            TokenizerJson.WriteTruncation(json, Truncation);
            json.WritePropertyName("padding");
            TokenizerJson.WritePadding(json, Padding);
            json.WriteStartArray("added_tokens");
            foreach (var token in _addedTokens.OrderBy(a => a.Id))
            {
                json.WriteStartObject();
                json.WriteNumber("id", token.Id);
                json.WriteString("content", token.Content);
                json.WriteBoolean("single_word", false);
                json.WriteBoolean("lstrip", false);
                json.WriteBoolean("rstrip", false);
                json.WriteBoolean("normalized", !token.Special);
                json.WriteBoolean("special", token.Special);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WritePropertyName("normalizer");
            TokenizerJson.WriteBertNormalizer(json, Normalizer);
            json.WriteStartObject("pre_tokenizer");
            json.WriteString("type", "BertPreTokenizer");
            json.WriteEndObject();
            if (PostProcessor is { } post)
            {
                json.WriteStartObject("post_processor");
                json.WriteString("type", "BertProcessing");
                json.WriteStartArray("sep");
                json.WriteStringValue(post.Sep);
                json.WriteNumberValue(post.SepId);
                json.WriteEndArray();
                json.WriteStartArray("cls");
                json.WriteStringValue(post.Cls);
                json.WriteNumberValue(post.ClsId);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("post_processor");
            }
            json.WritePropertyName("decoder");
            DecoderJson.Write(json, Decoder);
            json.WritePropertyName("model");
            TokenizerJson.WriteWordPieceModel(json, Model);
            json.WriteEndObject();
        }
        return stream.ToArray();
    }
}
