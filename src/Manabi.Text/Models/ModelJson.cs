using System.Text.Json;

namespace Manabi.Text;

/// <summary>
/// tokenizer.json models other than WordLevel and WordPiece (helper MODELS owns this file and replaces this stub: BPE,
/// Unigram). TokenizerJson reads and writes WordLevel and WordPiece itself and calls Read (path "model") and Write for
/// every other model; use JsonFields for typed reads and errors.
/// </summary>
internal static class ModelJson
{
    /// <summary>The model <paramref name="e"/> describes, or null when its type is unknown (TokenizerJson then names it).</summary>
    internal static ITokenizationModel? Read(JsonElement e, string jsonPath) => null;

    /// <summary>Writes <paramref name="model"/> as a JSON object; NotSupportedException for a type it cannot write.</summary>
    internal static void Write(Utf8JsonWriter w, ITokenizationModel model) =>
        throw new NotSupportedException($"cannot write model {model.GetType().Name} to tokenizer.json");
}
