namespace Manabi.Cli.Reporting;

/// <summary>A named series of points for a line or scatter chart.</summary>
/// <param name="Name">The legend text.</param>
/// <param name="X">The x coordinates.</param>
/// <param name="Y">The y coordinates (same length as <paramref name="X"/>); non-finite values are left out.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);
