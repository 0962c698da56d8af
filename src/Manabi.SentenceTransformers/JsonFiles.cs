using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Manabi.SentenceTransformers;

/// <summary>Reads typed values from JSON configuration files with errors that name the file, and writes them atomically.</summary>
internal static class JsonFiles
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Parses a JSON file; a syntax error names the file and line.</summary>
    public static JsonNode Parse(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: the file does not exist", path);
        }
        try
        {
            return JsonNode.Parse(File.ReadAllBytes(path)) ?? throw new InvalidDataException($"{path}:1: the JSON is null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{(e.LineNumber ?? 0) + 1}: malformed JSON: {e.Message}", e);
        }
    }

    /// <summary>Parses a JSON file that must hold an object.</summary>
    public static JsonObject ParseObject(string path) =>
        Parse(path) as JsonObject ?? throw new InvalidDataException($"{path}:1: expected a JSON object");

    public static int? ReadInt(JsonObject o, string key, string path) => Read(o, key, path, v => v.GetValue<int>());

    public static double? ReadDouble(JsonObject o, string key, string path) => Read(o, key, path, v => v.GetValue<double>());

    public static bool? ReadBool(JsonObject o, string key, string path) => Read(o, key, path, v => v.GetValue<bool>());

    public static string? ReadString(JsonObject o, string key, string path) =>
        o.TryGetPropertyValue(key, out JsonNode? value) && value is not null ? ReadValue(value, key, path, v => v.GetValue<string>()) : null;

    private static T? Read<T>(JsonObject o, string key, string path, Func<JsonNode, T> get) where T : struct =>
        o.TryGetPropertyValue(key, out JsonNode? value) && value is not null ? ReadValue(value, key, path, get) : null;

    private static T ReadValue<T>(JsonNode value, string key, string path, Func<JsonNode, T> get)
    {
        try
        {
            return get(value);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: \"{key}\" has the wrong type ({value.ToJsonString()})"), e);
        }
    }

    /// <summary>Writes indented JSON to a temporary file beside <paramref name="path"/>, then renames it over.</summary>
    public static void WriteAtomically(string path, JsonNode node) =>
        WriteTextAtomically(path, node.ToJsonString(Indented));

    /// <summary>Writes text to a temporary file beside <paramref name="path"/>, then renames it over.</summary>
    public static void WriteTextAtomically(string path, string text)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllText(temp, text, new UTF8Encoding(false));
        File.Move(temp, full, overwrite: true);
    }
}
