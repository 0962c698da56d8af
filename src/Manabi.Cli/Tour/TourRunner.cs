using System.Diagnostics;
using Manabi.Cli.Reporting;

namespace Manabi.Cli.Tour;

/// <summary>Runs tour sections one after another, timing each and turning failures into failed report sections.</summary>
public static class TourRunner
{
    /// <summary>
    /// Runs <paramref name="sections"/> and returns the report. A section that throws becomes a failed
    /// section carrying its error, except that <see cref="TourSectionSkippedException"/> marks it not run (something
    /// optional is absent); cancellation stops the whole tour.
    /// </summary>
    /// <param name="sections">The sections to run.</param>
    /// <param name="context">The shared tour context.</param>
    /// <param name="onSectionStarting">Called with each section's index before it runs (for progress display).</param>
    /// <param name="cancellationToken">Stops the tour between and, where sections check it, within sections.</param>
    public static async Task<HtmlReport> RunAsync(
        IReadOnlyList<ITourSection> sections,
        TourContext context,
        Action<int>? onSectionStarting,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var report = new HtmlReport(
            "Manabi tour",
            $"One short, real demonstration per capability, on embedded or synthetic data (seed {context.Seed}{(context.Quick ? ", quick mode" : "")}). " +
            $"Generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        for (int i = 0; i < sections.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            onSectionStarting?.Invoke(i);
            var stopwatch = Stopwatch.StartNew();
            ReportSection section;
            try
            {
                // Sections are mostly CPU-bound; running them off the caller's thread keeps progress display live.
                section = await Task.Run(() => sections[i].RunAsync(context, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (TourSectionSkippedException ex)
            {
                section = new ReportSection(sections[i].Title).MarkSkipped(ex.Message);
            }
#pragma warning disable CA1031 // A failing section must not stop the others; its error goes into the report.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                section = new ReportSection(sections[i].Title).MarkFailed($"{ex.GetType().Name}: {ex.Message}");
            }
            section.Seconds = stopwatch.Elapsed.TotalSeconds;
            report.Add(section);
        }
        return report;
    }
}
