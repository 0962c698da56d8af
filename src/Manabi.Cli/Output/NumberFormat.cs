using System.Globalization;
using System.Text;

namespace Manabi.Cli.Output;

/// <summary>
/// How numbers appear in machine-readable output: invariant culture, round-trip ("R") digits,
/// <c>inf</c>/<c>-inf</c>/<c>nan</c> for non-finite values on plain lines, and the JSON strings
/// <c>"Infinity"</c>/<c>"-Infinity"</c>/<c>"NaN"</c> in JSON (which has no literal for them).
/// </summary>
public static class NumberFormat
{
    /// <summary>Formats a value for a plain output line, e.g. <c>1</c>, <c>0.6931471805599453</c>, <c>inf</c>.</summary>
    public static string Plain(double value) => value switch
    {
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ when double.IsNaN(value) => "nan",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Formats a value as a JSON token: a number, or a string for non-finite values.</summary>
    public static string Json(double value) => value switch
    {
        double.PositiveInfinity => "\"Infinity\"",
        double.NegativeInfinity => "\"-Infinity\"",
        _ when double.IsNaN(value) => "\"NaN\"",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Formats a JSON array of values, e.g. <c>[1, "Infinity"]</c>.</summary>
    public static string JsonArray(IEnumerable<double> values)
    {
        var json = new StringBuilder("[");
        bool first = true;
        foreach (double value in values)
        {
            json.Append(first ? "" : ", ").Append(Json(value));
            first = false;
        }
        return json.Append(']').ToString();
    }

    /// <summary>A short human-facing rendering (for tables and reports), e.g. <c>0.6931</c>.</summary>
    public static string Short(double value, int significantDigits = 4) => value switch
    {
        double.PositiveInfinity => "∞",
        double.NegativeInfinity => "−∞",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("G" + significantDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
    };
}
