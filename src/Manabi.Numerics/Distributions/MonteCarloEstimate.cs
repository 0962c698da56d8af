namespace Manabi.Numerics.Distributions;

/// <summary>The result of a Monte-Carlo estimate: the sample mean, its standard error, and how many samples it used.</summary>
/// <param name="Estimate">The sample mean of the estimated quantity.</param>
/// <param name="StandardError">The standard error of <paramref name="Estimate"/>: the sample standard deviation over √<paramref name="Samples"/>.</param>
/// <param name="Samples">The number of samples drawn.</param>
public sealed record MonteCarloEstimate(double Estimate, double StandardError, int Samples);
