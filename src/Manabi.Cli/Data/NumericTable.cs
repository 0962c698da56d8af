namespace Manabi.Cli.Data;

/// <summary>Numeric rows read from a CSV file, each remembering the line it came from for error messages.</summary>
public sealed class NumericTable
{
    /// <summary>Creates a table; <paramref name="rows"/> and <paramref name="lineNumbers"/> have the same length.</summary>
    public NumericTable(string path, IReadOnlyList<string>? header, IReadOnlyList<double[]> rows, IReadOnlyList<int> lineNumbers)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(lineNumbers);
        if (rows.Count != lineNumbers.Count)
        {
            throw new ArgumentException("Every row needs a line number.", nameof(lineNumbers));
        }
        Path = path;
        Header = header;
        Rows = rows;
        LineNumbers = lineNumbers;
    }

    /// <summary>The file the rows came from, as the user named it.</summary>
    public string Path { get; }

    /// <summary>The column names when the file was read with a header, else null.</summary>
    public IReadOnlyList<string>? Header { get; }

    /// <summary>The numeric rows, in file order.</summary>
    public IReadOnlyList<double[]> Rows { get; }

    /// <summary>The 1-based line number of each row.</summary>
    public IReadOnlyList<int> LineNumbers { get; }

    /// <summary>The number of columns of the first row (all rows when the table is rectangular).</summary>
    public int ColumnCount => Rows.Count == 0 ? 0 : Rows[0].Length;

    /// <summary>The <c>file:line</c> prefix for messages about row <paramref name="rowIndex"/>.</summary>
    public string Where(int rowIndex) => $"{Path}:{LineNumbers[rowIndex]}";

    /// <summary>Copies the rows into a matrix; rows must all have the same length.</summary>
    public double[,] ToMatrix()
    {
        var matrix = new double[Rows.Count, ColumnCount];
        for (int i = 0; i < Rows.Count; i++)
        {
            if (Rows[i].Length != ColumnCount)
            {
                throw new InputException($"{Where(i)}: row has {Rows[i].Length} values but the first row has {ColumnCount}.");
            }
            for (int j = 0; j < ColumnCount; j++)
            {
                matrix[i, j] = Rows[i][j];
            }
        }
        return matrix;
    }
}
