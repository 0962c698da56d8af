using System.Text.Json;

namespace Manabi.Text;

/// <summary>
/// tokenizer.json normalizers: every HF type to its <see cref="ITextNormalizer"/> and back. Fields missing from a
/// file take HF's defaults; a nested unknown type is an error naming its JSON path.
/// </summary>
internal static class NormalizerJson
{
    /// <summary>The normalizer <paramref name="e"/> describes, or null when its type is unknown (TokenizerJson then names it).</summary>
    internal static ITextNormalizer? Read(JsonElement e, string jsonPath)
    {
        string type = JsonFields.Type(e, jsonPath);
        switch (type)
        {
            case "BertNormalizer":
                return new BertNormalizer(
                    JsonFields.OptionalBool(e, "clean_text", jsonPath) ?? true,
                    JsonFields.OptionalBool(e, "handle_chinese_chars", jsonPath) ?? true,
                    JsonFields.OptionalBool(e, "strip_accents", jsonPath),
                    JsonFields.OptionalBool(e, "lowercase", jsonPath) ?? true);
            case "Strip":
                return new StripNormalizer(JsonFields.OptionalBool(e, "strip_left", jsonPath) ?? true,
                    JsonFields.OptionalBool(e, "strip_right", jsonPath) ?? true);
            case "StripAccents":
                return StripAccentsNormalizer.Instance;
            case "NFC":
                return NfcNormalizer.Instance;
            case "NFD":
                return NfdNormalizer.Instance;
            case "NFKC":
                return NfkcNormalizer.Instance;
            case "NFKD":
                return NfkdNormalizer.Instance;
            case "Lowercase":
                return LowercaseNormalizer.Instance;
            case "Nmt":
                return NmtNormalizer.Instance;
            case "ByteLevel":
                return ByteLevelNormalizer.Instance;
            case "Prepend":
                return new PrependNormalizer(JsonFields.String(e, "prepend", jsonPath));
            case "Replace":
            {
                var (pattern, isRegex) = ComponentJson.ReadPattern(e, jsonPath);
                string content = JsonFields.String(e, "content", jsonPath);
                return ComponentJson.WithPattern(() => new ReplaceNormalizer(pattern, content, isRegex), jsonPath);
            }
            case "Precompiled":
            {
                string path = JsonFields.Child(jsonPath, "precompiled_charsmap");
                string base64 = JsonFields.String(e, "precompiled_charsmap", jsonPath);
                byte[] blob;
                try
                {
                    blob = Convert.FromBase64String(base64);
                }
                catch (FormatException)
                {
                    throw JsonFields.Error(path, "not valid base64");
                }
                try
                {
                    return new PrecompiledNormalizer(blob);
                }
                catch (FormatException ex)
                {
                    throw JsonFields.Error(path, ex.Message);
                }
            }
            case "Sequence":
            {
                var items = JsonFields.Array(e, "normalizers", jsonPath);
                var normalizers = new List<ITextNormalizer>();
                int index = 0;
                foreach (JsonElement item in items.EnumerateArray())
                {
                    string itemPath = $"{JsonFields.Child(jsonPath, "normalizers")}[{index++}]";
                    normalizers.Add(Read(item, itemPath)
                        ?? throw JsonFields.Error(itemPath, $"unknown normalizer type '{JsonFields.Type(item, itemPath)}'"));
                }
                return new SequenceNormalizer(normalizers);
            }
            default:
                return null;
        }
    }

    /// <summary>Writes <paramref name="normalizer"/> as a JSON object; NotSupportedException for a type it cannot write.</summary>
    internal static void Write(Utf8JsonWriter w, ITextNormalizer normalizer)
    {
        w.WriteStartObject();
        switch (normalizer)
        {
            case BertNormalizer b:
                w.WriteString("type", "BertNormalizer");
                w.WriteBoolean("clean_text", b.CleanText);
                w.WriteBoolean("handle_chinese_chars", b.HandleChineseChars);
                if (b.StripAccents is { } strip)
                {
                    w.WriteBoolean("strip_accents", strip);
                }
                else
                {
                    w.WriteNull("strip_accents");
                }
                w.WriteBoolean("lowercase", b.Lowercase);
                break;
            case StripNormalizer s:
                w.WriteString("type", "Strip");
                w.WriteBoolean("strip_left", s.StripLeft);
                w.WriteBoolean("strip_right", s.StripRight);
                break;
            case StripAccentsNormalizer:
                w.WriteString("type", "StripAccents");
                break;
            case NfcNormalizer:
                w.WriteString("type", "NFC");
                break;
            case NfdNormalizer:
                w.WriteString("type", "NFD");
                break;
            case NfkcNormalizer:
                w.WriteString("type", "NFKC");
                break;
            case NfkdNormalizer:
                w.WriteString("type", "NFKD");
                break;
            case LowercaseNormalizer:
                w.WriteString("type", "Lowercase");
                break;
            case NmtNormalizer:
                w.WriteString("type", "Nmt");
                break;
            case ByteLevelNormalizer:
                w.WriteString("type", "ByteLevel");
                break;
            case PrependNormalizer p:
                w.WriteString("type", "Prepend");
                w.WriteString("prepend", p.Prepend);
                break;
            case ReplaceNormalizer r:
                w.WriteString("type", "Replace");
                ComponentJson.WritePattern(w, r.Pattern, r.IsRegex);
                w.WriteString("content", r.Content);
                break;
            case PrecompiledNormalizer p:
                w.WriteString("type", "Precompiled");
                w.WriteString("precompiled_charsmap", Convert.ToBase64String(p.PrecompiledCharsmap));
                break;
            case SequenceNormalizer s:
                w.WriteString("type", "Sequence");
                w.WriteStartArray("normalizers");
                foreach (ITextNormalizer inner in s.Normalizers)
                {
                    Write(w, inner);
                }
                w.WriteEndArray();
                break;
            default:
                throw new NotSupportedException($"cannot write normalizer {normalizer.GetType().Name} to tokenizer.json");
        }
        w.WriteEndObject();
    }
}

/// <summary>JSON pieces shared by the component readers and writers.</summary>
internal static class ComponentJson
{
    /// <summary>Reads HF's <c>"pattern": {"String": "..."}</c> or <c>{"Regex": "..."}</c>.</summary>
    internal static (string Pattern, bool IsRegex) ReadPattern(JsonElement e, string jsonPath)
    {
        string path = JsonFields.Child(jsonPath, "pattern");
        JsonElement pattern = JsonFields.Required(e, "pattern", jsonPath);
        JsonFields.RequireObject(pattern, path);
        if (JsonFields.Optional(pattern, "String", path) is { } s)
        {
            return (JsonFields.AsString(s, JsonFields.Child(path, "String")), false);
        }
        if (JsonFields.Optional(pattern, "Regex", path) is { } r)
        {
            string regex = JsonFields.AsString(r, JsonFields.Child(path, "Regex"));
            return (regex, true);
        }
        throw JsonFields.Error(path, "expected {\"String\": ...} or {\"Regex\": ...}");
    }

    /// <summary>Creates a component from its pattern, turning a regex the engine rejects into an error at pattern.Regex.</summary>
    internal static T WithPattern<T>(Func<T> create, string jsonPath)
    {
        try
        {
            return create();
        }
        catch (ArgumentException e)
        {
            throw JsonFields.Error(JsonFields.Child(JsonFields.Child(jsonPath, "pattern"), "Regex"), $"invalid regex: {e.Message}");
        }
    }

    /// <summary>Writes the pattern field as HF does.</summary>
    internal static void WritePattern(Utf8JsonWriter w, string pattern, bool isRegex)
    {
        w.WriteStartObject("pattern");
        w.WriteString(isRegex ? "Regex" : "String", pattern);
        w.WriteEndObject();
    }

    /// <summary>Reads a split behaviour name (HF's SplitDelimiterBehavior).</summary>
    internal static SplitDelimiterBehavior ReadBehavior(JsonElement value, string path) => JsonFields.AsString(value, path) switch
    {
        "Removed" => SplitDelimiterBehavior.Removed,
        "Isolated" => SplitDelimiterBehavior.Isolated,
        "MergedWithPrevious" => SplitDelimiterBehavior.MergedWithPrevious,
        "MergedWithNext" => SplitDelimiterBehavior.MergedWithNext,
        "Contiguous" => SplitDelimiterBehavior.Contiguous,
        var other => throw JsonFields.Error(path, $"unknown split behavior '{other}' (Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous)"),
    };

    /// <summary>A field that must be exactly one character (Rust's <c>char</c>).</summary>
    internal static string Char(JsonElement e, string name, string jsonPath)
    {
        string value = JsonFields.String(e, name, jsonPath);
        if (value.EnumerateRunes().Count() != 1)
        {
            throw JsonFields.Error(JsonFields.Child(jsonPath, name), $"expected a single character, found \"{value}\"");
        }
        return value;
    }

    /// <summary>Reads Metaspace's prepend_scheme (with the legacy add_prefix_space), as HF does.</summary>
    internal static MetaspacePrependScheme ReadPrependScheme(JsonElement e, string jsonPath)
    {
        string path = JsonFields.Child(jsonPath, "prepend_scheme");
        var scheme = JsonFields.OptionalString(e, "prepend_scheme", jsonPath) switch
        {
            null or "always" => MetaspacePrependScheme.Always,
            "first" => MetaspacePrependScheme.First,
            "never" => MetaspacePrependScheme.Never,
            var other => throw JsonFields.Error(path, $"unknown prepend scheme '{other}' (always, first or never)"),
        };
        if (JsonFields.OptionalBool(e, "add_prefix_space", jsonPath) == false)
        {
            if (scheme != MetaspacePrependScheme.Never && JsonFields.Optional(e, "prepend_scheme", jsonPath) is not null)
            {
                throw JsonFields.Error(JsonFields.Child(jsonPath, "add_prefix_space"), "add_prefix_space does not match declared prepend_scheme");
            }
            scheme = MetaspacePrependScheme.Never;
        }
        return scheme;
    }

    /// <summary>Writes Metaspace's fields.</summary>
    internal static void WriteMetaspace(Utf8JsonWriter w, string replacement, MetaspacePrependScheme scheme, bool split)
    {
        w.WriteString("type", "Metaspace");
        w.WriteString("replacement", replacement);
        w.WriteString("prepend_scheme", scheme switch
        {
            MetaspacePrependScheme.First => "first",
            MetaspacePrependScheme.Never => "never",
            _ => "always",
        });
        w.WriteBoolean("split", split);
    }
}
