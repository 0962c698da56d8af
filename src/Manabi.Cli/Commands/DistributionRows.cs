namespace Manabi.Cli.Commands;

/// <summary>
/// Distributions from one source (an inline option or a CSV file). A single inline row is reused for
/// every row of the other side, so <c>--csv P.csv --q 0.5,0.5</c> compares each row with one q.
/// </summary>
/// <param name="Rows">The distributions.</param>
/// <param name="Locate">Describes where row i came from, e.g. <c>p.csv:3</c> or <c>--p</c>.</param>
/// <param name="Source">The option value or file name.</param>
/// <param name="FromFile">True when the rows came from a CSV file.</param>
internal sealed record DistributionRows(IReadOnlyList<double[]> Rows, Func<int, string> Locate, string Source, bool FromFile)
{
    public int Count => Rows.Count;

    public double[] Row(int index) => Rows[Rows.Count == 1 ? 0 : index];

    public string Where(int index) => Locate(Rows.Count == 1 ? 0 : index);
}
