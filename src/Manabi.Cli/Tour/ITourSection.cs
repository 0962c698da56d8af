using Manabi.Cli.Reporting;

namespace Manabi.Cli.Tour;

/// <summary>
/// One short, real demonstration of a Manabi capability for <c>manabi tour</c>. Sections are listed
/// in <see cref="TourSections.All"/>; a new capability adds one class there.
/// </summary>
public interface ITourSection
{
    /// <summary>The section title shown in the report and summary.</summary>
    string Title { get; }

    /// <summary>
    /// Runs the demonstration and returns its report section (with a <see cref="ReportSection.Headline"/>).
    /// Throwing marks the section failed; the tour goes on with the others.
    /// </summary>
    Task<ReportSection> RunAsync(TourContext context, CancellationToken cancellationToken);
}
