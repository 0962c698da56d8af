using System.Text.Json;

namespace Manabi.Text;

/// <summary>
/// tokenizer.json models other than WordLevel and WordPiece (which TokenizerJson reads and writes itself): BPE and
/// Unigram. A model without "type" (files older than the field) is recognised as HF's untagged fallback does: BPE by
/// its merges, Unigram by its list of [piece, score].
/// </summary>
internal static class ModelJson
{
    /// <summary>The model <paramref name="e"/> describes, or null when its type is unknown (TokenizerJson then names it).</summary>
    internal static ITokenizationModel? Read(JsonElement e, string jsonPath)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        string? type = e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type is null)
        {
            type = e.TryGetProperty("merges", out _) ? "BPE"
                : e.TryGetProperty("vocab", out var vocab) && vocab.ValueKind == JsonValueKind.Array ? "Unigram"
                : null;
        }
        return type switch
        {
            "BPE" => BpeModelJson.Read(e, jsonPath),
            "Unigram" => UnigramModelJson.Read(e, jsonPath),
            _ => null,
        };
    }

    /// <summary>Writes <paramref name="model"/> as a JSON object; NotSupportedException for a type it cannot write.</summary>
    internal static void Write(Utf8JsonWriter w, ITokenizationModel model)
    {
        switch (model)
        {
            case BpeModel bpe:
                BpeModelJson.Write(w, bpe);
                break;
            case UnigramModel unigram:
                UnigramModelJson.Write(w, unigram);
                break;
            default:
                throw new NotSupportedException($"cannot write model {model.GetType().Name} to tokenizer.json");
        }
    }
}
