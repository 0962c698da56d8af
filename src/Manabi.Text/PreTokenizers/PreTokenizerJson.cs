using System.Text.Json;

namespace Manabi.Text;

/// <summary>
/// tokenizer.json pre-tokenizers: every HF type to its <see cref="IPreTokenizer"/> and back. Fields missing from a
/// file take HF's defaults; a nested unknown type is an error naming its JSON path.
/// </summary>
internal static class PreTokenizerJson
{
    /// <summary>The pre-tokenizer <paramref name="e"/> describes, or null when its type is unknown (TokenizerJson then names it).</summary>
    internal static IPreTokenizer? Read(JsonElement e, string jsonPath)
    {
        string type = JsonFields.Type(e, jsonPath);
        switch (type)
        {
            case "BertPreTokenizer":
                return BertPreTokenizer.Instance;
            case "ByteLevel":
                return new ByteLevelPreTokenizer(
                    JsonFields.OptionalBool(e, "add_prefix_space", jsonPath) ?? true,
                    JsonFields.OptionalBool(e, "trim_offsets", jsonPath) ?? true,
                    JsonFields.OptionalBool(e, "use_regex", jsonPath) ?? true);
            case "CharDelimiterSplit":
                return new CharDelimiterSplitPreTokenizer(ComponentJson.Char(e, "delimiter", jsonPath));
            case "Metaspace":
                return new MetaspacePreTokenizer(
                    JsonFields.OptionalString(e, "replacement", jsonPath) is null ? "\u2581" : ComponentJson.Char(e, "replacement", jsonPath),
                    ComponentJson.ReadPrependScheme(e, jsonPath),
                    JsonFields.OptionalBool(e, "split", jsonPath) ?? true);
            case "Whitespace":
                return WhitespacePreTokenizer.Instance;
            case "WhitespaceSplit":
                return WhitespaceSplitPreTokenizer.Instance;
            case "Split":
            {
                var (pattern, isRegex) = ComponentJson.ReadPattern(e, jsonPath);
                var behavior = ComponentJson.ReadBehavior(JsonFields.Required(e, "behavior", jsonPath), JsonFields.Child(jsonPath, "behavior"));
                bool invert = JsonFields.OptionalBool(e, "invert", jsonPath) ?? false;
                return ComponentJson.WithPattern(() => new SplitPreTokenizer(pattern, behavior, invert, isRegex), jsonPath);
            }
            case "Punctuation":
                return new PunctuationPreTokenizer(JsonFields.Optional(e, "behavior", jsonPath) is { } b
                    ? ComponentJson.ReadBehavior(b, JsonFields.Child(jsonPath, "behavior"))
                    : SplitDelimiterBehavior.Isolated);
            case "Digits":
                return new DigitsPreTokenizer(JsonFields.OptionalBool(e, "individual_digits", jsonPath) ?? false);
            case "UnicodeScripts":
                return UnicodeScriptsPreTokenizer.Instance;
            case "FixedLength":
            {
                int length = JsonFields.OptionalInt(e, "length", jsonPath) ?? 5;
                if (length <= 0)
                {
                    throw JsonFields.Error(JsonFields.Child(jsonPath, "length"), $"must be positive, found {length}");
                }
                return new FixedLengthPreTokenizer(length);
            }
            case "Sequence":
                return new SequencePreTokenizer(ComponentJson.ReadSequence(e, "pretokenizers", jsonPath, Read, "pre-tokenizer"));
            default:
                return null;
        }
    }

    /// <summary>Writes <paramref name="preTokenizer"/> as a JSON object; NotSupportedException for a type it cannot write.</summary>
    internal static void Write(Utf8JsonWriter w, IPreTokenizer preTokenizer)
    {
        w.WriteStartObject();
        switch (preTokenizer)
        {
            case BertPreTokenizer:
                w.WriteString("type", "BertPreTokenizer");
                break;
            case ByteLevelPreTokenizer b:
                w.WriteString("type", "ByteLevel");
                w.WriteBoolean("add_prefix_space", b.AddPrefixSpace);
                w.WriteBoolean("trim_offsets", b.TrimOffsets);
                w.WriteBoolean("use_regex", b.UseRegex);
                break;
            case CharDelimiterSplitPreTokenizer c:
                w.WriteString("type", "CharDelimiterSplit");
                w.WriteString("delimiter", c.Delimiter);
                break;
            case MetaspacePreTokenizer m:
                ComponentJson.WriteMetaspace(w, m.Replacement, m.PrependScheme, m.Split);
                break;
            case WhitespacePreTokenizer:
                w.WriteString("type", "Whitespace");
                break;
            case WhitespaceSplitPreTokenizer:
                w.WriteString("type", "WhitespaceSplit");
                break;
            case SplitPreTokenizer s:
                w.WriteString("type", "Split");
                ComponentJson.WritePattern(w, s.Pattern, s.IsRegex);
                w.WriteString("behavior", s.Behavior.ToString());
                w.WriteBoolean("invert", s.Invert);
                break;
            case PunctuationPreTokenizer p:
                w.WriteString("type", "Punctuation");
                w.WriteString("behavior", p.Behavior.ToString());
                break;
            case DigitsPreTokenizer d:
                w.WriteString("type", "Digits");
                w.WriteBoolean("individual_digits", d.IndividualDigits);
                break;
            case UnicodeScriptsPreTokenizer:
                w.WriteString("type", "UnicodeScripts");
                break;
            case FixedLengthPreTokenizer f:
                w.WriteString("type", "FixedLength");
                w.WriteNumber("length", f.Length);
                break;
            case SequencePreTokenizer s:
                ComponentJson.WriteSequence(w, "pretokenizers", s.PreTokenizers, Write);
                break;
            default:
                throw new NotSupportedException($"cannot write pre-tokenizer {preTokenizer.GetType().Name} to tokenizer.json");
        }
        w.WriteEndObject();
    }
}
