using System.CommandLine;
using System.Globalization;
using Manabi.Cli.Output;
using Manabi.Cli.Reporting;
using Manabi.Cli.Tour;
using Spectre.Console;

namespace Manabi.Cli.Commands;

/// <summary><c>manabi tour</c>: runs one short demonstration per capability and writes an HTML report.</summary>
public static class TourCommand
{
    /// <summary>Builds the <c>tour</c> command.</summary>
    public static Command Create()
    {
        var outOption = new Option<string>("--out")
        {
            Description = "Folder for report.html (created if needed).",
            DefaultValueFactory = _ => "tour",
        };
        var quickOption = new Option<bool>("--quick") { Description = "Smaller data and fewer steps, for a fast check." };
        var command = new Command("tour",
            "Runs one short, real demonstration per capability on embedded or synthetic data and writes OUT/report.html " +
            "(self-contained). Prints a summary table; exits 1 if any section failed. A section whose optional data is absent " +
            "(Fashion-MNIST, installed automatically when running as root with apt-get) is marked not run, says how to get " +
            "the data, and does not change the exit code.")
        {
            outOption,
            quickOption,
        };
        command.SetAction(CommandActions.GuardAsync(async (parseResult, output, cancellationToken) =>
        {
            string outDirectory = parseResult.GetValue(outOption)!;
            IAnsiConsole console = Terminal.CreateConsole(output);
            var context = new TourContext(Path.GetFullPath(outDirectory), parseResult.GetValue(quickOption), Log: line => console.WriteLine(line));
            try
            {
                Directory.CreateDirectory(context.OutputDirectory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InputException($"--out: cannot create folder '{outDirectory}': {ex.Message}", ex);
            }

            var sections = TourSections.All();
            HtmlReport report = Terminal.IsInteractive(output)
                ? await RunWithProgressAsync(console, sections, context, cancellationToken).ConfigureAwait(false)
                : await TourRunner.RunAsync(sections, context, i => console.WriteLine($"[{i + 1}/{sections.Count}] {sections[i].Title}…"), cancellationToken)
                    .ConfigureAwait(false);

            string reportPath = Path.Combine(context.OutputDirectory, "report.html");
            report.Save(reportPath);
            WriteSummary(console, report, reportPath);
            return ExitCode(report);
        }));
        return command;
    }

    /// <summary>
    /// The tour's exit code: <see cref="ExitCodes.Failure"/> when a section failed, else <see cref="ExitCodes.Success"/>.
    /// Sections not run for lack of optional data do not count as failures: the tour did everything this machine
    /// allows, and each such section says how to get what it needs.
    /// </summary>
    public static int ExitCode(HtmlReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Sections.Any(s => s.Status == ReportSectionStatus.Failed) ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static async Task<HtmlReport> RunWithProgressAsync(
        IAnsiConsole console, IReadOnlyList<ITourSection> sections, TourContext context, CancellationToken cancellationToken)
    {
        HtmlReport? report = null;
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("Tour", maxValue: sections.Count);
                report = await TourRunner.RunAsync(sections, context, i =>
                {
                    task.Value = i;
                    task.Description = Markup.Escape(sections[i].Title);
                }, cancellationToken).ConfigureAwait(false);
                task.Value = sections.Count;
                task.Description = "Tour";
            }).ConfigureAwait(false);
        return report!;
    }

    private static void WriteSummary(IAnsiConsole console, HtmlReport report, string reportPath)
    {
        var table = new Table().AddColumn("Section").AddColumn("Result").AddColumn(new TableColumn("Seconds").RightAligned());
        foreach (var section in report.Sections)
        {
            var (title, result) = section.Status switch
            {
                ReportSectionStatus.Failed => ($"[red]{Markup.Escape(section.Title)}[/]", $"[red]FAILED: {Markup.Escape(section.Error ?? "")}[/]"),
                ReportSectionStatus.Skipped => ($"[yellow]{Markup.Escape(section.Title)}[/]", $"[yellow]NOT RUN: {Markup.Escape(section.Error ?? "")}[/]"),
                _ => (Markup.Escape(section.Title), Markup.Escape(section.Headline)),
            };
            table.AddRow(new Markup(title), new Markup(result),
                new Spectre.Console.Text((section.Seconds ?? 0).ToString("0.00", CultureInfo.InvariantCulture)));
        }
        console.Write(table);
        // Repeated below the table, where the command to run is easy to find and copy.
        foreach (var section in report.Sections.Where(s => s.Status == ReportSectionStatus.Skipped))
        {
            console.WriteLine($"Not run: {section.Title}. {section.Error}");
        }
        console.WriteLine($"Report: {reportPath}");
    }
}
