using System.Text.Json;

namespace Manabi.Text;

/// <summary>tokenizer.json post-processors: BertProcessing, RobertaProcessing, ByteLevel, TemplateProcessing, Sequence.</summary>
internal static class PostProcessorJson
{
    /// <summary>The post-processor <paramref name="e"/> describes; an unknown type is an error naming it.</summary>
    public static IPostProcessor Read(JsonElement e, string path)
    {
        switch (JsonFields.Type(e, path))
        {
            case "BertProcessing":
            {
                var (sep, sepId) = ReadPair(e, "sep", path);
                var (cls, clsId) = ReadPair(e, "cls", path);
                return new BertPostProcessor(cls, clsId, sep, sepId);
            }
            case "RobertaProcessing":
            {
                var (sep, sepId) = ReadPair(e, "sep", path);
                var (cls, clsId) = ReadPair(e, "cls", path);
                return new RobertaPostProcessor(sep, sepId, cls, clsId, JsonFields.OptionalBool(e, "trim_offsets", path) ?? true,
                    JsonFields.OptionalBool(e, "add_prefix_space", path) ?? true);
            }
            case "ByteLevel":
                return new ByteLevelPostProcessor(JsonFields.OptionalBool(e, "trim_offsets", path) ?? true,
                    JsonFields.OptionalBool(e, "add_prefix_space", path) ?? true, JsonFields.OptionalBool(e, "use_regex", path) ?? true);
            case "TemplateProcessing":
                return ReadTemplate(e, path);
            case "Sequence":
                return new SequencePostProcessor(ComponentJson.ReadSequence<IPostProcessor>(e, "processors", path, Read, "post-processor"));
            default:
                throw TokenizerJson.Unknown(e, path, "post-processor");
        }
    }

    private static (string Token, int Id) ReadPair(JsonElement e, string name, string path)
    {
        var pair = JsonFields.Array(e, name, path);
        string p = JsonFields.Child(path, name);
        if (pair.GetArrayLength() != 2)
        {
            throw JsonFields.Error(p, "expected [token, id]");
        }
        return (JsonFields.AsString(pair[0], $"{p}[0]"), JsonFields.AsInt(pair[1], $"{p}[1]"));
    }

    private static TemplatePostProcessor ReadTemplate(JsonElement e, string path)
    {
        var single = ReadPieces(e, "single", path);
        var pair = ReadPieces(e, "pair", path);
        var specials = new List<TemplateSpecialToken>();
        if (JsonFields.Optional(e, "special_tokens", path) is { } map)
        {
            string mapPath = JsonFields.Child(path, "special_tokens");
            JsonFields.RequireObject(map, mapPath);
            foreach (var entry in map.EnumerateObject())
            {
                string p = $"{mapPath}[\"{entry.Name}\"]";
                string id = JsonFields.String(entry.Value, "id", p);
                var ids = JsonFields.Array(entry.Value, "ids", p).EnumerateArray().Select((v, i) => JsonFields.AsInt(v, $"{p}.ids[{i}]")).ToArray();
                var tokens = JsonFields.Array(entry.Value, "tokens", p).EnumerateArray().Select((v, i) => JsonFields.AsString(v, $"{p}.tokens[{i}]")).ToArray();
                if (ids.Length != tokens.Length)
                {
                    throw JsonFields.Error(p, "ids and tokens must be of the same length");
                }
                // HF keys the map by the entry's id field.
                specials.Add(new TemplateSpecialToken(id, ids, tokens));
            }
        }
        try
        {
            return new TemplatePostProcessor(single, pair, specials);
        }
        catch (ArgumentException ex)
        {
            throw JsonFields.Error(path, ex.Message.Split(" (Parameter")[0]);
        }
    }

    private static List<TemplatePiece> ReadPieces(JsonElement e, string name, string path)
    {
        var result = new List<TemplatePiece>();
        string listPath = JsonFields.Child(path, name);
        var value = JsonFields.Required(e, name, path);
        if (value.ValueKind == JsonValueKind.String)
        {
            // The Python API accepts "[CLS] $A [SEP]"; accept it here too.
            try
            {
                return [.. TemplatePiece.ParseTemplate(value.GetString()!)];
            }
            catch (FormatException ex)
            {
                throw JsonFields.Error(listPath, ex.Message);
            }
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw JsonFields.Error(listPath, $"expected an array, found {JsonFields.Describe(value.ValueKind)}");
        }
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            string p = $"{listPath}[{i++}]";
            if (item.ValueKind == JsonValueKind.String)
            {
                try
                {
                    result.Add(TemplatePiece.Parse(item.GetString()!));
                }
                catch (FormatException ex)
                {
                    throw JsonFields.Error(p, ex.Message);
                }
                continue;
            }
            if (JsonFields.Optional(item, "Sequence", p) is { } sequence)
            {
                string id = JsonFields.String(sequence, "id", $"{p}.Sequence");
                int typeId = JsonFields.OptionalInt(sequence, "type_id", $"{p}.Sequence") ?? 0;
                result.Add(new TemplatePiece(null, id switch
                {
                    "A" => 0,
                    "B" => 1,
                    _ => throw JsonFields.Error($"{p}.Sequence.id", $"expected \"A\" or \"B\", found '{id}'"),
                }, typeId));
            }
            else if (JsonFields.Optional(item, "SpecialToken", p) is { } special)
            {
                result.Add(new TemplatePiece(JsonFields.String(special, "id", $"{p}.SpecialToken"), 0,
                    JsonFields.OptionalInt(special, "type_id", $"{p}.SpecialToken") ?? 0));
            }
            else
            {
                throw JsonFields.Error(p, "expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
            }
        }
        return result;
    }

    /// <summary>Writes <paramref name="processor"/>; NotSupportedException for a user's own type.</summary>
    public static void Write(Utf8JsonWriter w, IPostProcessor processor)
    {
        w.WriteStartObject();
        switch (processor)
        {
            case BertPostProcessor bert:
                w.WriteString("type", "BertProcessing");
                WritePair(w, "sep", bert.Sep, bert.SepId);
                WritePair(w, "cls", bert.Cls, bert.ClsId);
                break;
            case RobertaPostProcessor roberta:
                w.WriteString("type", "RobertaProcessing");
                WritePair(w, "sep", roberta.Sep, roberta.SepId);
                WritePair(w, "cls", roberta.Cls, roberta.ClsId);
                w.WriteBoolean("trim_offsets", roberta.TrimOffsets);
                w.WriteBoolean("add_prefix_space", roberta.AddPrefixSpace);
                break;
            case ByteLevelPostProcessor byteLevel:
                w.WriteString("type", "ByteLevel");
                w.WriteBoolean("add_prefix_space", byteLevel.AddPrefixSpace);
                w.WriteBoolean("trim_offsets", byteLevel.TrimOffsets);
                w.WriteBoolean("use_regex", byteLevel.UseRegex);
                break;
            case TemplatePostProcessor template:
                w.WriteString("type", "TemplateProcessing");
                WritePieces(w, "single", template.Single);
                WritePieces(w, "pair", template.Pair);
                w.WriteStartObject("special_tokens");
                foreach (var token in template.SpecialTokens.Values.OrderBy(t => t.Id, StringComparer.Ordinal))
                {
                    w.WriteStartObject(token.Id);
                    w.WriteString("id", token.Id);
                    w.WriteStartArray("ids");
                    foreach (int id in token.Ids)
                    {
                        w.WriteNumberValue(id);
                    }
                    w.WriteEndArray();
                    w.WriteStartArray("tokens");
                    foreach (string t in token.Tokens)
                    {
                        w.WriteStringValue(t);
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                break;
            case SequencePostProcessor sequence:
                ComponentJson.WriteSequence(w, "processors", sequence.Processors, Write);
                break;
            default:
                throw new NotSupportedException($"cannot write post-processor {processor.GetType().Name} to tokenizer.json");
        }
        w.WriteEndObject();
    }

    private static void WritePair(Utf8JsonWriter w, string name, string token, int id)
    {
        w.WriteStartArray(name);
        w.WriteStringValue(token);
        w.WriteNumberValue(id);
        w.WriteEndArray();
    }

    private static void WritePieces(Utf8JsonWriter w, string name, IReadOnlyList<TemplatePiece> pieces)
    {
        w.WriteStartArray(name);
        foreach (var piece in pieces)
        {
            w.WriteStartObject();
            if (piece.IsSequence)
            {
                w.WriteStartObject("Sequence");
                w.WriteString("id", piece.Sequence == 0 ? "A" : "B");
            }
            else
            {
                w.WriteStartObject("SpecialToken");
                w.WriteString("id", piece.SpecialToken);
            }
            w.WriteNumber("type_id", piece.TypeId);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
