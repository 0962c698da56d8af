using System.Text.Json;

namespace Manabi.Text;

/// <summary>
/// Typed reads of tokenizer.json fields for every component reader (NormalizerJson, PreTokenizerJson, DecoderJson,
/// ModelJson, the post-processors): each failure is a <see cref="TokenizerFormatException"/> whose message starts with
/// the JSON path ("normalizer.normalizers[1].pattern: ..."); TokenizerJson adds the file name.
/// </summary>
internal static class JsonFields
{
    /// <summary>The error for <paramref name="path"/>: "PATH: PROBLEM".</summary>
    internal static TokenizerFormatException Error(string path, string problem) => new($"{path}: {problem}");

    /// <summary>The component's <c>type</c> string (required).</summary>
    internal static string Type(JsonElement e, string path) => String(e, "type", path);

    /// <summary>"PATH.NAME", the path of a field.</summary>
    internal static string Child(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>Requires an object and returns the field, or throws "missing field".</summary>
    internal static JsonElement Required(JsonElement e, string name, string path)
    {
        RequireObject(e, path);
        return e.TryGetProperty(name, out var value) ? value : throw Error(Child(path, name), "missing field");
    }

    /// <summary>The field, or null when absent or JSON null.</summary>
    internal static JsonElement? Optional(JsonElement e, string name, string path)
    {
        RequireObject(e, path);
        return e.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    /// <summary>Throws unless <paramref name="e"/> is an object.</summary>
    internal static void RequireObject(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, $"expected an object, found {Describe(e.ValueKind)}");
        }
    }

    internal static string String(JsonElement e, string name, string path) =>
        AsString(Required(e, name, path), Child(path, name));

    internal static string? OptionalString(JsonElement e, string name, string path) =>
        Optional(e, name, path) is { } v ? AsString(v, Child(path, name)) : null;

    internal static int Int(JsonElement e, string name, string path) => AsInt(Required(e, name, path), Child(path, name));

    internal static int? OptionalInt(JsonElement e, string name, string path) =>
        Optional(e, name, path) is { } v ? AsInt(v, Child(path, name)) : null;

    internal static double Double(JsonElement e, string name, string path) => AsDouble(Required(e, name, path), Child(path, name));

    internal static double? OptionalDouble(JsonElement e, string name, string path) =>
        Optional(e, name, path) is { } v ? AsDouble(v, Child(path, name)) : null;

    internal static bool Bool(JsonElement e, string name, string path) => AsBool(Required(e, name, path), Child(path, name));

    internal static bool? OptionalBool(JsonElement e, string name, string path) =>
        Optional(e, name, path) is { } v ? AsBool(v, Child(path, name)) : null;

    /// <summary>A required array field.</summary>
    internal static JsonElement Array(JsonElement e, string name, string path)
    {
        var value = Required(e, name, path);
        return value.ValueKind == JsonValueKind.Array ? value
            : throw Error(Child(path, name), $"expected an array, found {Describe(value.ValueKind)}");
    }

    internal static string AsString(JsonElement v, string path) => v.ValueKind == JsonValueKind.String ? v.GetString()!
        : throw Error(path, $"expected a string, found {Describe(v.ValueKind)}");

    internal static int AsInt(JsonElement v, string path) => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i
        : throw Error(path, v.ValueKind == JsonValueKind.Number ? $"{v.GetRawText()} is not a 32-bit integer" : $"expected an integer, found {Describe(v.ValueKind)}");

    internal static double AsDouble(JsonElement v, string path) => v.ValueKind == JsonValueKind.Number ? v.GetDouble()
        : throw Error(path, $"expected a number, found {Describe(v.ValueKind)}");

    internal static bool AsBool(JsonElement v, string path) => v.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error(path, $"expected true or false, found {Describe(v.ValueKind)}"),
    };

    /// <summary>"an object", "a string"... for messages.</summary>
    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
