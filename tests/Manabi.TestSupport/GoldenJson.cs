using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Manabi.TestSupport;

/// <summary>
/// Reads golden JSON fixtures written by Python. Python's json module writes ±∞ and NaN as the bare tokens
/// <c>Infinity</c>, <c>-Infinity</c> and <c>NaN</c>, which are not JSON, so such tokens are quoted before parsing
/// and numbers are read from their raw text (which also turns an out-of-range literal like 1e999 into ∞).
/// The fixture file itself is never changed.
/// </summary>
public static partial class GoldenJson
{
    /// <summary>Parses the fixture at <c>tests/fixtures/&lt;parts&gt;</c>.</summary>
    public static JsonDocument Load(params string[] parts)
    {
        string text = File.ReadAllText(Fixtures.Path(parts));
        return JsonDocument.Parse(NonFiniteToken().Replace(text, "\"$1\""));
    }

    /// <summary>A number, or a quoted non-finite token, as a double.</summary>
    public static double Number(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => double.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture),
        JsonValueKind.String => double.Parse(element.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw new InvalidDataException($"Expected a number, found {element.ValueKind}: {element.GetRawText()}"),
    };

    /// <summary>A JSON array of numbers.</summary>
    public static double[] Vector(JsonElement element) => element.EnumerateArray().Select(Number).ToArray();

    /// <summary>A JSON array of arrays of numbers.</summary>
    public static double[][] Matrix(JsonElement element) => element.EnumerateArray().Select(Vector).ToArray();

    // A bare Infinity/-Infinity/NaN in value position (after ':', ',' or '['), never inside a string.
    [GeneratedRegex(@"(?<=[:,\[]\s*)(-?Infinity|NaN)(?=\s*[,\]}])")]
    private static partial Regex NonFiniteToken();
}
