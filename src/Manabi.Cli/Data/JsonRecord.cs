using System.Globalization;
using System.Text.Json;

namespace Manabi.Cli.Data;

/// <summary>
/// The one way the CLI reads a JSONL line: a JSON object without duplicate keys whose string fields are valid
/// Unicode. Every failure is an <see cref="InputException"/> naming file, line and field, so each command reports
/// it the same way (exit 2) instead of some crashing and some reading on.
/// </summary>
internal static class JsonRecord
{
    // A duplicate key would make "which value counts" depend on the reader; refusing it is the only answer that
    // matches every tool the file may also be read with.
    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false };

    /// <summary>The line as a JSON object.</summary>
    /// <exception cref="InputException">Malformed JSON, a duplicate key, or not an object.</exception>
    public static JsonElement Object(string line, string path, int number)
    {
        try
        {
            using var document = JsonDocument.Parse(line, Options);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw new InputException($"{Where(path, number)}: expected a JSON object such as {{\"text\": \"...\"}}, found {Describe(document.RootElement.ValueKind)}.");
        }
        catch (JsonException e)
        {
            throw new InputException($"{Where(path, number)}: malformed JSON ({e.Message})", e);
        }
        catch (InvalidOperationException e)
        {
            // The duplicate-key check unescapes every key, and a key holding a lone surrogate ("\ud800") cannot be
            // unescaped (found by fuzzing).
            throw new InputException($"{Where(path, number)}: a key is not valid text: {e.Message}", e);
        }
    }

    /// <summary>The string field <paramref name="name"/>; null when the object has no such field.</summary>
    /// <exception cref="InputException">The field is not a string, or holds a lone UTF-16 surrogate.</exception>
    public static string? OptionalString(JsonElement row, string name, string path, int number)
    {
        if (!row.TryGetProperty(name, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new InputException($"{Where(path, number)}: \"{name}\" must be a string, found {Describe(value.ValueKind)}.");
        }
        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json refuses to unescape "\ud800" into a string; without this it escaped as a stack trace.
            throw new InputException($"{Where(path, number)}: \"{name}\" is not valid text: {e.Message}", e);
        }
        int lone = LoneSurrogate(text);
        // Checked again after decoding because a reader that lets one through would hand the tokenizer half a
        // character, which no UTF-8 output can represent.
        return lone < 0
            ? text
            : throw new InputException(string.Create(CultureInfo.InvariantCulture,
                $"{Where(path, number)}: \"{name}\" is not valid text: a lone surrogate U+{(int)text[lone]:X4} at character {lone + 1}."));
    }

    /// <summary>The string field <paramref name="name"/>, which must be there.</summary>
    /// <exception cref="InputException">The field is missing, not a string, or holds a lone UTF-16 surrogate.</exception>
    public static string RequiredString(JsonElement row, string name, string path, int number) =>
        OptionalString(row, name, path, number) ?? throw new InputException($"{Where(path, number)}: missing the \"{name}\" string.");

    /// <summary>The index of the first surrogate without its partner in <paramref name="text"/>, or -1.</summary>
    public static int LoneSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return i;
            }
        }
        return -1;
    }

    private static string Where(string path, int number) => string.Create(CultureInfo.InvariantCulture, $"{path}:{number}");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "a boolean",
    };
}
