namespace Manabi.Cli.Reporting;

/// <summary>Whether a report section's work succeeded.</summary>
public enum ReportSectionStatus
{
    /// <summary>The section ran to completion.</summary>
    Succeeded,

    /// <summary>The section failed; its error is shown instead of (or after) its content.</summary>
    Failed,

    /// <summary>
    /// The section did not run because something optional it needs is absent (e.g. a data set); its reason says how
    /// to get it. Not a failure: the tour still exits 0.
    /// </summary>
    Skipped,
}
