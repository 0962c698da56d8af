namespace Manabi.Cli.Reporting;

/// <summary>A dashed horizontal line marking a known value, e.g. the ln 2 bound of the JS divergence.</summary>
/// <param name="Y">Where the line is drawn.</param>
/// <param name="Label">The legend text.</param>
public sealed record ReferenceLine(double Y, string Label);
