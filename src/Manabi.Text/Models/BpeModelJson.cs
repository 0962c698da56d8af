using System.Text.Json;

namespace Manabi.Text;

/// <summary>tokenizer.json's <c>model</c> section of type <c>BPE</c>, read and written as HF tokenizers does.</summary>
internal static class BpeModelJson
{
    /// <summary>Reads a BPE model object; errors name <paramref name="path"/> (e.g. <c>model</c>) and the field.</summary>
    public static BpeModel Read(JsonElement model, string path)
    {
        if (model.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerFormatException($"{path}: a BPE model must be a JSON object, not {model.ValueKind}");
        }
        var options = new BpeModelOptions
        {
            Dropout = model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind != JsonValueKind.Null
                ? Number(dropout, path + ".dropout") : null,
            UnknownToken = OptionalString(model, "unk_token", path),
            ContinuingSubwordPrefix = OptionalString(model, "continuing_subword_prefix", path),
            EndOfWordSuffix = OptionalString(model, "end_of_word_suffix", path),
            FuseUnknown = OptionalBool(model, "fuse_unk", path),
            ByteFallback = OptionalBool(model, "byte_fallback", path),
            IgnoreMerges = OptionalBool(model, "ignore_merges", path),
        };
        if (!model.TryGetProperty("vocab", out var vocabElement) || !model.TryGetProperty("merges", out var mergesElement))
        {
            throw new TokenizerFormatException($"{path}: a BPE model needs both 'vocab' and 'merges'");
        }
        if (vocabElement.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerFormatException($"{path}.vocab: must be an object of token to id, not {vocabElement.ValueKind}");
        }
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocabElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
            {
                throw new TokenizerFormatException($"{path}.vocab['{entry.Name}']: the id must be a non-negative integer, not {entry.Value.GetRawText()}");
            }
            vocabulary[entry.Name] = id;
        }
        if (mergesElement.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerFormatException($"{path}.merges: must be an array, not {mergesElement.ValueKind}");
        }
        var merges = new List<(string, string)>(mergesElement.GetArrayLength());
        int index = 0;
        bool? legacy = null;
        foreach (var merge in mergesElement.EnumerateArray())
        {
            string where = $"{path}.merges[{index}]";
            if (merge.ValueKind == JsonValueKind.String && legacy != false)
            {
                legacy = true;
                string line = merge.GetString()!;
                // HF's merges.txt reader skips a '#version' line, in tokenizer.json's string form too.
                if (line.StartsWith("#version", StringComparison.Ordinal))
                {
                    index++;
                    continue;
                }
                string[] parts = line.Split(' ');
                if (parts.Length != 2)
                {
                    throw new TokenizerFormatException($"{where}: '{line}' is not two tokens separated by one space");
                }
                merges.Add((parts[0], parts[1]));
            }
            else if (merge.ValueKind == JsonValueKind.Array && legacy != true && merge.GetArrayLength() == 2
                     && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
            {
                legacy = false;
                merges.Add((merge[0].GetString()!, merge[1].GetString()!));
            }
            else
            {
                throw new TokenizerFormatException(
                    $"{where}: expected {(legacy == true ? "a string \"a b\"" : legacy == false ? "a pair [\"a\", \"b\"]" : "a string \"a b\" or a pair [\"a\", \"b\"]")}, not {merge.GetRawText()}");
            }
            index++;
        }
        return new BpeModel(vocabulary, merges, options, path + ".");
    }

    /// <summary>Writes the model as HF does: the flags, the vocabulary in id order, the merges as pairs in rank order.</summary>
    public static void Write(Utf8JsonWriter writer, BpeModel model)
    {
        var options = model.Options;
        writer.WriteStartObject();
        writer.WriteString("type", "BPE");
        if (options.Dropout is float dropout)
        {
            writer.WriteNumber("dropout", dropout);
        }
        else
        {
            writer.WriteNull("dropout");
        }
        WriteOptional(writer, "unk_token", options.UnknownToken);
        WriteOptional(writer, "continuing_subword_prefix", options.ContinuingSubwordPrefix);
        WriteOptional(writer, "end_of_word_suffix", options.EndOfWordSuffix);
        writer.WriteBoolean("fuse_unk", options.FuseUnknown);
        writer.WriteBoolean("byte_fallback", options.ByteFallback);
        writer.WriteBoolean("ignore_merges", options.IgnoreMerges);
        writer.WriteStartObject("vocab");
        foreach (var (token, id) in model.Vocabulary.OrderBy(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal))
        {
            writer.WriteNumber(token, id);
        }
        writer.WriteEndObject();
        writer.WriteStartArray("merges");
        foreach (var (left, right) in model.Merges)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(left);
            writer.WriteStringValue(right);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static float Number(JsonElement element, string where) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetSingle(out float value)
            ? value
            : throw new TokenizerFormatException($"{where}: expected a number, not {element.GetRawText()}");

    internal static string? OptionalString(JsonElement model, string name, string path)
    {
        if (!model.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new TokenizerFormatException($"{path}.{name}: expected a string or null, not {value.GetRawText()}");
    }

    internal static bool OptionalBool(JsonElement model, string name, string path)
    {
        if (!model.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }
        return value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw new TokenizerFormatException($"{path}.{name}: expected true, false or null, not {value.GetRawText()}");
    }
}
