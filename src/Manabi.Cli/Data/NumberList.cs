using System.Globalization;

namespace Manabi.Cli.Data;

/// <summary>Parses comma-separated number lists such as <c>0.5,0.25,0.25</c> given on the command line.</summary>
public static class NumberList
{
    /// <summary>
    /// Parses <paramref name="text"/> as finite numbers in invariant culture.
    /// Throws <see cref="InputException"/> naming <paramref name="source"/> (an option such as <c>--p</c>) and the entry.
    /// </summary>
    public static double[] Parse(string text, string source, bool requireNonNegative = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] cells = text.Split(',');
        var values = new double[cells.Length];
        for (int i = 0; i < cells.Length; i++)
        {
            string cell = cells[i].Trim();
            if (!TryParseFinite(cell, out values[i]))
            {
                throw new InputException($"{source}: entry {i + 1} '{cell}' is not a finite number (expected comma-separated numbers such as 0.5,0.5).");
            }
            if (requireNonNegative && values[i] < 0)
            {
                throw new InputException($"{source}: entry {i + 1} is negative ({cell}); probabilities and weights must be non-negative.");
            }
        }
        return values;
    }

    /// <summary>Parses one finite number in invariant culture; rejects empty text, NaN and infinities.</summary>
    public static bool TryParseFinite(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
