namespace Manabi.Cli.Data;

/// <summary>
/// Reads numeric CSV files: comma-separated finite numbers in invariant culture, one row per line.
/// Blank lines and lines starting with <c>#</c> are skipped. Every problem is reported as an
/// <see cref="InputException"/> whose message starts with <c>file:line:</c>.
/// </summary>
public static class NumericCsvReader
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <param name="path">The file, as the user named it (used in messages).</param>
    /// <param name="hasHeader">True when the first non-comment line holds column names.</param>
    /// <param name="allowRaggedRows">True when rows may differ in length (e.g. one distribution per row).</param>
    /// <param name="requireNonNegative">True to reject negative values (probabilities).</param>
    public static NumericTable Read(string path, bool hasHeader = false, bool allowRaggedRows = false, bool requireNonNegative = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new InputException($"{path}: is a folder, not a CSV file.");
        }
        if (!File.Exists(path))
        {
            throw new InputException($"{path}: file not found.");
        }
        IReadOnlyList<string>? header = null;
        var rows = new List<double[]>();
        var lineNumbers = new List<int>();
        int lineNumber = 0;
        foreach (string rawLine in ReadLines(path))
        {
            lineNumber++;
            string line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            string[] cells = line.Split(',');
            if (hasHeader && header is null)
            {
                header = [.. cells.Select(c => c.Trim().Trim('"'))];
                continue;
            }
            var row = new double[cells.Length];
            for (int j = 0; j < cells.Length; j++)
            {
                string cell = cells[j].Trim();
                if (!NumberList.TryParseFinite(cell, out row[j]))
                {
                    string hint = rows.Count == 0 && !hasHeader ? " (if this line is a header, pass --header)" : "";
                    throw new InputException($"{path}:{lineNumber}: column {j + 1} '{cell}' is not a finite number{hint}.");
                }
                if (requireNonNegative && row[j] < 0)
                {
                    throw new InputException($"{path}:{lineNumber}: column {j + 1} is negative ({cell}); probabilities must be non-negative.");
                }
            }
            int expected = header?.Count ?? (rows.Count > 0 ? rows[0].Length : row.Length);
            if (!allowRaggedRows && row.Length != expected)
            {
                string reference = header is not null ? "the header has" : $"line {lineNumbers[0]} has";
                throw new InputException($"{path}:{lineNumber}: row has {row.Length} values but {reference} {expected}.");
            }
            rows.Add(row);
            lineNumbers.Add(lineNumber);
        }
        if (rows.Count == 0)
        {
            throw new InputException($"{path}:{Math.Max(1, lineNumber)}: no numeric rows (the file is empty{(hasHeader ? " or has only a header" : "")}).");
        }
        return new NumericTable(path, header, rows, lineNumbers);
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot be read: {ex.Message}", ex);
        }
    }
}
