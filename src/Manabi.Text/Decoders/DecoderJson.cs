using System.Text.Json;

namespace Manabi.Text;

/// <summary>
/// tokenizer.json decoders (helper COMPONENTS owns this file and replaces this stub). TokenizerJson calls Read for a
/// non-null "decoder" (path "decoder") and Write when saving; use JsonFields for typed reads and errors.
/// </summary>
internal static class DecoderJson
{
    /// <summary>The decoder <paramref name="e"/> describes, or null when its type is unknown (TokenizerJson then names it).</summary>
    internal static ITokenDecoder? Read(JsonElement e, string jsonPath) => null;

    /// <summary>Writes <paramref name="decoder"/> as a JSON object; NotSupportedException for a type it cannot write.</summary>
    internal static void Write(Utf8JsonWriter w, ITokenDecoder decoder) =>
        throw new NotSupportedException($"cannot write decoder {decoder.GetType().Name} to tokenizer.json");
}
