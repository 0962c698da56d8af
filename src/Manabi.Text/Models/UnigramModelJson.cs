using System.Text.Json;

namespace Manabi.Text;

/// <summary>tokenizer.json's <c>model</c> section of type <c>Unigram</c>, read and written as HF tokenizers does.</summary>
internal static class UnigramModelJson
{
    /// <summary>Reads a Unigram model object; errors name <paramref name="path"/> (e.g. <c>model</c>) and the field.</summary>
    public static UnigramModel Read(JsonElement model, string path)
    {
        if (model.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerFormatException($"{path}: a Unigram model must be a JSON object, not {model.ValueKind}");
        }
        if (!model.TryGetProperty("vocab", out var vocabElement))
        {
            throw new TokenizerFormatException($"{path}: a Unigram model needs 'vocab'");
        }
        if (vocabElement.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerFormatException($"{path}.vocab: must be an array of [piece, score], not {vocabElement.ValueKind}");
        }
        var vocabulary = new List<(string, double)>(vocabElement.GetArrayLength());
        int index = 0;
        foreach (var entry in vocabElement.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() != 2 || entry[0].ValueKind != JsonValueKind.String
                || entry[1].ValueKind != JsonValueKind.Number || !SerdeFloat.TryParse(entry[1].GetRawText(), out double score))
            {
                throw new TokenizerFormatException($"{path}.vocab[{index}]: expected [piece, score], not {entry.GetRawText()}");
            }
            vocabulary.Add((entry[0].GetString()!, score));
            index++;
        }
        int? unknownId = null;
        if (model.TryGetProperty("unk_id", out var unk) && unk.ValueKind != JsonValueKind.Null)
        {
            if (unk.ValueKind != JsonValueKind.Number || !unk.TryGetInt32(out int id) || id < 0)
            {
                throw new TokenizerFormatException($"{path}.unk_id: expected a non-negative integer or null, not {unk.GetRawText()}");
            }
            unknownId = id;
        }
        bool byteFallback = BpeModelJson.OptionalBool(model, "byte_fallback", path);
        return new UnigramModel(vocabulary, unknownId, byteFallback, WordCache.DefaultCapacity, path + ".");
    }

    /// <summary>Writes the model as HF does: type, unk_id, the pieces with their scores in id order, byte_fallback.</summary>
    public static void Write(Utf8JsonWriter writer, UnigramModel model)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "Unigram");
        if (model.UnknownId is int unk)
        {
            writer.WriteNumber("unk_id", unk);
        }
        else
        {
            writer.WriteNull("unk_id");
        }
        writer.WriteStartArray("vocab");
        foreach (var (piece, score) in model.Vocabulary)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(piece);
            writer.WriteNumberValue(score);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteBoolean("byte_fallback", model.ByteFallback);
        writer.WriteEndObject();
    }
}
