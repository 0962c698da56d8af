using System.Text.Json;

namespace Manabi.Text;

/// <summary>
/// tokenizer.json normalizers (helper COMPONENTS owns this file and replaces this stub). TokenizerJson calls Read for a
/// non-null "normalizer" (path "normalizer") and Write when saving; use JsonFields for typed reads and errors.
/// </summary>
internal static class NormalizerJson
{
    /// <summary>The normalizer <paramref name="e"/> describes, or null when its type is unknown (TokenizerJson then names it).</summary>
    internal static ITextNormalizer? Read(JsonElement e, string jsonPath) => null;

    /// <summary>Writes <paramref name="normalizer"/> as a JSON object; NotSupportedException for a type it cannot write.</summary>
    internal static void Write(Utf8JsonWriter w, ITextNormalizer normalizer) =>
        throw new NotSupportedException($"cannot write normalizer {normalizer.GetType().Name} to tokenizer.json");
}
