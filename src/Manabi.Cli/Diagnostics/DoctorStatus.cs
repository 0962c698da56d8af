namespace Manabi.Cli.Diagnostics;

/// <summary>The outcome of one <c>manabi doctor</c> check.</summary>
public enum DoctorStatus
{
    /// <summary>A fact about the environment; nothing to judge.</summary>
    Info,

    /// <summary>The check passed.</summary>
    Ok,

    /// <summary>Something optional is missing; the features needing it will not work until the hint is followed.</summary>
    Warning,

    /// <summary>Something required is broken; <c>manabi doctor</c> exits 1.</summary>
    Failed,
}
