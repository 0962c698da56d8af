namespace Manabi.Cli.Reporting;

/// <summary>Whether a report section's work succeeded.</summary>
public enum ReportSectionStatus
{
    /// <summary>The section ran to completion.</summary>
    Succeeded,

    /// <summary>The section failed; its error is shown instead of (or after) its content.</summary>
    Failed,
}
