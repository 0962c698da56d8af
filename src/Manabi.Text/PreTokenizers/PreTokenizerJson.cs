using System.Text.Json;

namespace Manabi.Text;

/// <summary>
/// tokenizer.json pre-tokenizers (helper COMPONENTS owns this file and replaces this stub). TokenizerJson calls Read for
/// a non-null "pre_tokenizer" (path "pre_tokenizer") and Write when saving; use JsonFields for typed reads and errors.
/// </summary>
internal static class PreTokenizerJson
{
    /// <summary>The pre-tokenizer <paramref name="e"/> describes, or null when its type is unknown (TokenizerJson then names it).</summary>
    internal static IPreTokenizer? Read(JsonElement e, string jsonPath) => null;

    /// <summary>Writes <paramref name="preTokenizer"/> as a JSON object; NotSupportedException for a type it cannot write.</summary>
    internal static void Write(Utf8JsonWriter w, IPreTokenizer preTokenizer) =>
        throw new NotSupportedException($"cannot write pre-tokenizer {preTokenizer.GetType().Name} to tokenizer.json");
}
