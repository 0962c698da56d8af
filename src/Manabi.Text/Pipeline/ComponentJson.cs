using System.Text.Json;

namespace Manabi.Text;

/// <summary>JSON pieces shared by the component readers and writers.</summary>
internal static class ComponentJson
{
    /// <summary>
    /// Reads a Sequence's array <paramref name="property"/> of components, each at its own JSON path with
    /// <paramref name="read"/>; a nested type that <paramref name="read"/> does not know (null) is an error naming it.
    /// </summary>
    internal static List<T> ReadSequence<T>(JsonElement e, string property, string jsonPath, Func<JsonElement, string, T?> read, string kind)
        where T : class
    {
        var items = new List<T>();
        int index = 0;
        foreach (JsonElement item in JsonFields.Array(e, property, jsonPath).EnumerateArray())
        {
            string itemPath = $"{JsonFields.Child(jsonPath, property)}[{index++}]";
            items.Add(read(item, itemPath) ?? throw JsonFields.Error(itemPath, $"unknown {kind} type '{JsonFields.Type(item, itemPath)}'"));
        }
        return items;
    }

    /// <summary>Writes a Sequence's type and its array <paramref name="property"/> of components.</summary>
    internal static void WriteSequence<T>(Utf8JsonWriter w, string property, IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        w.WriteString("type", "Sequence");
        w.WriteStartArray(property);
        foreach (T item in items)
        {
            write(w, item);
        }
        w.WriteEndArray();
    }

    /// <summary>Reads HF's <c>"pattern": {"String": "..."}</c> or <c>{"Regex": "..."}</c>.</summary>
    internal static (string Pattern, bool IsRegex) ReadPattern(JsonElement e, string jsonPath)
    {
        string path = JsonFields.Child(jsonPath, "pattern");
        JsonElement pattern = JsonFields.Required(e, "pattern", jsonPath);
        JsonFields.RequireObject(pattern, path);
        if (JsonFields.Optional(pattern, "String", path) is { } s)
        {
            return (JsonFields.AsString(s, JsonFields.Child(path, "String")), false);
        }
        if (JsonFields.Optional(pattern, "Regex", path) is { } r)
        {
            string regex = JsonFields.AsString(r, JsonFields.Child(path, "Regex"));
            return (regex, true);
        }
        throw JsonFields.Error(path, "expected {\"String\": ...} or {\"Regex\": ...}");
    }

    /// <summary>Creates a component from its pattern, turning a regex the engine rejects into an error at pattern.Regex.</summary>
    internal static T WithPattern<T>(Func<T> create, string jsonPath)
    {
        try
        {
            return create();
        }
        catch (ArgumentException e)
        {
            throw JsonFields.Error(JsonFields.Child(JsonFields.Child(jsonPath, "pattern"), "Regex"), $"invalid regex: {e.Message}");
        }
    }

    /// <summary>Writes the pattern field as HF does.</summary>
    internal static void WritePattern(Utf8JsonWriter w, string pattern, bool isRegex)
    {
        w.WriteStartObject("pattern");
        w.WriteString(isRegex ? "Regex" : "String", pattern);
        w.WriteEndObject();
    }

    /// <summary>Reads a split behaviour name (HF's SplitDelimiterBehavior).</summary>
    internal static SplitDelimiterBehavior ReadBehavior(JsonElement value, string path) => JsonFields.AsString(value, path) switch
    {
        "Removed" => SplitDelimiterBehavior.Removed,
        "Isolated" => SplitDelimiterBehavior.Isolated,
        "MergedWithPrevious" => SplitDelimiterBehavior.MergedWithPrevious,
        "MergedWithNext" => SplitDelimiterBehavior.MergedWithNext,
        "Contiguous" => SplitDelimiterBehavior.Contiguous,
        var other => throw JsonFields.Error(path, $"unknown split behavior '{other}' (Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous)"),
    };

    /// <summary>A field that must be exactly one character (Rust's <c>char</c>).</summary>
    internal static string Char(JsonElement e, string name, string jsonPath)
    {
        string value = JsonFields.String(e, name, jsonPath);
        if (value.EnumerateRunes().Count() != 1)
        {
            throw JsonFields.Error(JsonFields.Child(jsonPath, name), $"expected a single character, found \"{value}\"");
        }
        return value;
    }

    /// <summary>Reads Metaspace's prepend_scheme (with the legacy add_prefix_space), as HF does.</summary>
    internal static MetaspacePrependScheme ReadPrependScheme(JsonElement e, string jsonPath)
    {
        string path = JsonFields.Child(jsonPath, "prepend_scheme");
        var scheme = JsonFields.OptionalString(e, "prepend_scheme", jsonPath) switch
        {
            null or "always" => MetaspacePrependScheme.Always,
            "first" => MetaspacePrependScheme.First,
            "never" => MetaspacePrependScheme.Never,
            var other => throw JsonFields.Error(path, $"unknown prepend scheme '{other}' (always, first or never)"),
        };
        if (JsonFields.OptionalBool(e, "add_prefix_space", jsonPath) == false)
        {
            if (scheme != MetaspacePrependScheme.Never && JsonFields.Optional(e, "prepend_scheme", jsonPath) is not null)
            {
                throw JsonFields.Error(JsonFields.Child(jsonPath, "add_prefix_space"), "add_prefix_space does not match declared prepend_scheme");
            }
            scheme = MetaspacePrependScheme.Never;
        }
        return scheme;
    }

    /// <summary>Writes Metaspace's fields.</summary>
    internal static void WriteMetaspace(Utf8JsonWriter w, string replacement, MetaspacePrependScheme scheme, bool split)
    {
        w.WriteString("type", "Metaspace");
        w.WriteString("replacement", replacement);
        w.WriteString("prepend_scheme", scheme switch
        {
            MetaspacePrependScheme.First => "first",
            MetaspacePrependScheme.Never => "never",
            _ => "always",
        });
        w.WriteBoolean("split", split);
    }
}
