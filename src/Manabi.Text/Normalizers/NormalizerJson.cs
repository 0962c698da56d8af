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
                return new SequenceNormalizer(ComponentJson.ReadSequence(e, "normalizers", jsonPath, Read, "normalizer"));
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
                ComponentJson.WriteSequence(w, "normalizers", s.Normalizers, Write);
                break;
            default:
                throw new NotSupportedException($"cannot write normalizer {normalizer.GetType().Name} to tokenizer.json");
        }
        w.WriteEndObject();
    }
}
