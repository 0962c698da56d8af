namespace Manabi.Cli.Diagnostics;

/// <summary>One line of the <c>manabi doctor</c> report.</summary>
/// <param name="Name">What was checked, e.g. "libtorch".</param>
/// <param name="Status">The outcome.</param>
/// <param name="Detail">What was found (versions, paths, the error).</param>
/// <param name="Hint">How to fix a warning or failure, or null.</param>
public sealed record DoctorCheck(string Name, DoctorStatus Status, string Detail, string? Hint = null);
