using System.Text.Json;

namespace Manabi.Text;

/// <summary>
/// tokenizer.json decoders: every HF type to its <see cref="ITokenDecoder"/> and back. Fields missing from a file
/// take HF's defaults; a nested unknown type is an error naming its JSON path.
/// </summary>
internal static class DecoderJson
{
    /// <summary>The decoder <paramref name="e"/> describes, or null when its type is unknown (TokenizerJson then names it).</summary>
    internal static ITokenDecoder? Read(JsonElement e, string jsonPath)
    {
        string type = JsonFields.Type(e, jsonPath);
        switch (type)
        {
            case "BPEDecoder":
                return new BpeDecoder(JsonFields.OptionalString(e, "suffix", jsonPath) ?? "</w>");
            case "ByteLevel":
                return new ByteLevelDecoder(
                    JsonFields.OptionalBool(e, "add_prefix_space", jsonPath) ?? true,
                    JsonFields.OptionalBool(e, "trim_offsets", jsonPath) ?? true,
                    JsonFields.OptionalBool(e, "use_regex", jsonPath) ?? true);
            case "WordPiece":
                return new WordPieceDecoder(JsonFields.OptionalString(e, "prefix", jsonPath) ?? "##",
                    JsonFields.OptionalBool(e, "cleanup", jsonPath) ?? true);
            case "Metaspace":
                return new MetaspaceDecoder(
                    JsonFields.OptionalString(e, "replacement", jsonPath) is null ? "\u2581" : ComponentJson.Char(e, "replacement", jsonPath),
                    ComponentJson.ReadPrependScheme(e, jsonPath),
                    JsonFields.OptionalBool(e, "split", jsonPath) ?? true);
            case "CTC":
                return new CtcDecoder(JsonFields.OptionalString(e, "pad_token", jsonPath) ?? "<pad>",
                    JsonFields.OptionalString(e, "word_delimiter_token", jsonPath) ?? "|",
                    JsonFields.OptionalBool(e, "cleanup", jsonPath) ?? true);
            case "Replace":
            {
                var (pattern, isRegex) = ComponentJson.ReadPattern(e, jsonPath);
                string content = JsonFields.String(e, "content", jsonPath);
                return ComponentJson.WithPattern(() => new ReplaceDecoder(pattern, content, isRegex), jsonPath);
            }
            case "Fuse":
                return FuseDecoder.Instance;
            case "ByteFallback":
                return ByteFallbackDecoder.Instance;
            case "Strip":
            {
                int start = JsonFields.OptionalInt(e, "start", jsonPath) ?? 0;
                int stop = JsonFields.OptionalInt(e, "stop", jsonPath) ?? 0;
                if (start < 0 || stop < 0)
                {
                    throw JsonFields.Error(JsonFields.Child(jsonPath, start < 0 ? "start" : "stop"), "must not be negative");
                }
                return new StripDecoder(ComponentJson.Char(e, "content", jsonPath), start, stop);
            }
            case "Sequence":
                return new SequenceDecoder(ComponentJson.ReadSequence(e, "decoders", jsonPath, Read, "decoder"));
            default:
                return null;
        }
    }

    /// <summary>Writes <paramref name="decoder"/> as a JSON object; NotSupportedException for a type it cannot write.</summary>
    internal static void Write(Utf8JsonWriter w, ITokenDecoder decoder)
    {
        w.WriteStartObject();
        switch (decoder)
        {
            case BpeDecoder b:
                w.WriteString("type", "BPEDecoder");
                w.WriteString("suffix", b.Suffix);
                break;
            case ByteLevelDecoder b:
                w.WriteString("type", "ByteLevel");
                w.WriteBoolean("add_prefix_space", b.AddPrefixSpace);
                w.WriteBoolean("trim_offsets", b.TrimOffsets);
                w.WriteBoolean("use_regex", b.UseRegex);
                break;
            case WordPieceDecoder p:
                w.WriteString("type", "WordPiece");
                w.WriteString("prefix", p.Prefix);
                w.WriteBoolean("cleanup", p.Cleanup);
                break;
            case MetaspaceDecoder m:
                ComponentJson.WriteMetaspace(w, m.Replacement, m.PrependScheme, m.Split);
                break;
            case CtcDecoder c:
                w.WriteString("type", "CTC");
                w.WriteString("pad_token", c.PadToken);
                w.WriteString("word_delimiter_token", c.WordDelimiterToken);
                w.WriteBoolean("cleanup", c.Cleanup);
                break;
            case ReplaceDecoder r:
                w.WriteString("type", "Replace");
                ComponentJson.WritePattern(w, r.Pattern, r.IsRegex);
                w.WriteString("content", r.Content);
                break;
            case FuseDecoder:
                w.WriteString("type", "Fuse");
                break;
            case ByteFallbackDecoder:
                w.WriteString("type", "ByteFallback");
                break;
            case StripDecoder s:
                w.WriteString("type", "Strip");
                w.WriteString("content", s.Content);
                w.WriteNumber("start", s.Start);
                w.WriteNumber("stop", s.Stop);
                break;
            case SequenceDecoder s:
                ComponentJson.WriteSequence(w, "decoders", s.Decoders, Write);
                break;
            default:
                throw new NotSupportedException($"cannot write decoder {decoder.GetType().Name} to tokenizer.json");
        }
        w.WriteEndObject();
    }
}
