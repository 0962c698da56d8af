using System.Text.Json;

namespace Manabi.Cli.Commands;

/// <summary>Parses one JSONL line, naming the file and line when it is not a JSON object.</summary>
internal static class JsonLines
{
    /// <summary>The line as a JSON object.</summary>
    /// <exception cref="InputException">Malformed JSON or not an object.</exception>
    public static JsonElement Object(string line, string path, int number)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw new InputException($"{path}:{number}: expected a JSON object, found {document.RootElement.ValueKind}.");
        }
        catch (JsonException e)
        {
            throw new InputException($"{path}:{number}: malformed JSON ({e.Message})", e);
        }
    }
}
