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
            "(self-contained). Prints a summary table; exits 1 if any section failed.")
        {
            outOption,
            quickOption,
        };
        command.SetAction(CommandActions.GuardAsync(async (parseResult, output, cancellationToken) =>
        {
            string outDirectory = parseResult.GetValue(outOption)!;
            var context = new TourContext(Path.GetFullPath(outDirectory), parseResult.GetValue(quickOption));
            try
            {
                Directory.CreateDirectory(context.OutputDirectory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InputException($"--out: cannot create folder '{outDirectory}': {ex.Message}", ex);
            }

            var sections = TourSections.All();
            IAnsiConsole console = Terminal.CreateConsole(output);
            HtmlReport report = Terminal.IsInteractive(output)
                ? await RunWithProgressAsync(console, sections, context, cancellationToken).ConfigureAwait(false)
                : await TourRunner.RunAsync(sections, context, i => console.WriteLine($"[{i + 1}/{sections.Count}] {sections[i].Title}…"), cancellationToken)
                    .ConfigureAwait(false);

            string reportPath = Path.Combine(context.OutputDirectory, "report.html");
            report.Save(reportPath);
            WriteSummary(console, report, reportPath);
            return report.Sections.Any(s => s.Status == ReportSectionStatus.Failed) ? ExitCodes.Failure : ExitCodes.Success;
        }));
        return command;
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
            bool failed = section.Status == ReportSectionStatus.Failed;
            table.AddRow(
                new Markup(failed ? $"[red]{Markup.Escape(section.Title)}[/]" : Markup.Escape(section.Title)),
                new Markup(failed ? $"[red]FAILED: {Markup.Escape(section.Error ?? "")}[/]" : Markup.Escape(section.Headline)),
                new Spectre.Console.Text((section.Seconds ?? 0).ToString("0.00", CultureInfo.InvariantCulture)));
        }
        console.Write(table);
        console.WriteLine($"Report: {reportPath}");
    }
}
