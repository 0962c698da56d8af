using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Manabi.TestSupport;

namespace Manabi.Numerics.Tests.Divergences;

/// <summary>
/// Reads tests/fixtures/math/math-golden.json. Python's json module wrote +∞ as the bare token <c>Infinity</c>,
/// which is not JSON, so such tokens are quoted before parsing and numbers are read from their raw text
/// (which also turns an out-of-range literal like 1e999 into ∞ rather than failing).
/// </summary>
internal static partial class MathGolden
{
    private static readonly Lazy<JsonDocument> Document = new(Load);

    public static JsonElement Root => Document.Value.RootElement;

    public static double Number(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => double.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture),
        JsonValueKind.String => double.Parse(element.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw new InvalidDataException($"Expected a number, found {element.ValueKind}: {element.GetRawText()}"),
    };

    public static double[] Vector(JsonElement element) => element.EnumerateArray().Select(Number).ToArray();

    public static double[][] Matrix(JsonElement element) => element.EnumerateArray().Select(Vector).ToArray();

    private static JsonDocument Load()
    {
        string text = File.ReadAllText(Fixtures.Path("math", "math-golden.json"));
        return JsonDocument.Parse(NonFiniteToken().Replace(text, "\"$1\""));
    }

    // A bare Infinity/-Infinity/NaN in value position (after ':', ',' or '['), never inside a string.
    [GeneratedRegex(@"(?<=[:,\[]\s*)(-?Infinity|NaN)(?=\s*[,\]}])")]
    private static partial Regex NonFiniteToken();
}
