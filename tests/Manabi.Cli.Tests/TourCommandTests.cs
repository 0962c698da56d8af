using Manabi.Cli.Reporting;
using Manabi.Cli.Tour;

namespace Manabi.Cli.Tests;

public sealed class TourCommandTests
{
    [Fact]
    public void QuickTourWritesASelfContainedReportWithBothSections()
    {
        using var folder = new TempFolder();
        string outDirectory = folder.PathOf("tour");
        var result = CliRunner.Run("tour", "--quick", "--out", outDirectory);
        Assert.True(result.ExitCode == 0, result.ToString());
        string html = File.ReadAllText(Path.Combine(outDirectory, "report.html"));
        Assert.Contains("Information theory", html, StringComparison.Ordinal);
        Assert.Contains("Eigen-decomposition and PCA", html, StringComparison.Ordinal);
        Assert.Contains("Subword tokenizers: BPE, Unigram, WordPiece, tiktoken", html, StringComparison.Ordinal);
        Assert.Contains("日本語の文章をトークンに分割する。", html, StringComparison.Ordinal);
        Assert.Contains("Word vectors", html, StringComparison.Ordinal);
        Assert.Contains("<td>goverment</td>", html, StringComparison.Ordinal);
        Assert.Contains("Vision: SE-ResNet", html, StringComparison.Ordinal);
        Assert.Contains("Siamese networks: one-shot recognition of unseen classes", html, StringComparison.Ordinal);
        Assert.Contains("4-way 1-shot accuracy", html, StringComparison.Ordinal);
        Assert.Contains("Sentence embeddings (Sentence-BERT)", html, StringComparison.Ordinal);
        Assert.Contains("Someone is cooking food.", html, StringComparison.Ordinal);
        Assert.Contains("Vector database (Manabi.VectorData)", html, StringComparison.Ordinal);
        Assert.Contains("hybrid: &#39;prices keep going up&#39;", html, StringComparison.Ordinal);
        Assert.Contains("data:image/png;base64,", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"failed\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Contains("Information theory", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("report.html", result.Stdout, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(outDirectory));
    }

    [Fact]
    public async Task AFailingSectionIsReportedAndTheOthersStillRun()
    {
        using var folder = new TempFolder();
        var context = new TourContext(folder.Path, Quick: true);
        ITourSection[] sections = [new ThrowingSection(), new InformationTheorySection()];
        var report = await TourRunner.RunAsync(sections, context, null, CancellationToken.None);
        Assert.Equal(2, report.Sections.Count);
        Assert.Equal(ReportSectionStatus.Failed, report.Sections[0].Status);
        Assert.Contains("boom", report.Sections[0].Error, StringComparison.Ordinal);
        Assert.Equal(ReportSectionStatus.Succeeded, report.Sections[1].Status);
        string html = report.Render();
        Assert.Contains("boom", html, StringComparison.Ordinal);
        Assert.Contains("class=\"failed\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASectionMissingOptionalDataIsNotRunAndSaysHowToGetIt()
    {
        using var folder = new TempFolder();
        var context = new TourContext(folder.Path, Quick: true);
        ITourSection[] sections = [new SkippingSection(), new InformationTheorySection()];
        var report = await TourRunner.RunAsync(sections, context, null, CancellationToken.None);
        Assert.Equal(ReportSectionStatus.Skipped, report.Sections[0].Status);
        Assert.Contains("sudo apt-get install -y dataset-fashion-mnist", report.Sections[0].Error, StringComparison.Ordinal);
        Assert.Equal(ReportSectionStatus.Succeeded, report.Sections[1].Status);
        // Not run is not failed: the tour exits 0, and the report shows the command.
        Assert.Equal(0, Commands.TourCommand.ExitCode(report));
        string html = report.Render();
        Assert.Contains("Not run:", html, StringComparison.Ordinal);
        Assert.Contains("(not run)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"failed\"", html, StringComparison.Ordinal);

        var failed = await TourRunner.RunAsync([new SkippingSection(), new ThrowingSection()], context, null, CancellationToken.None);
        Assert.Equal(1, Commands.TourCommand.ExitCode(failed));
    }

    [Fact]
    public async Task CancellationStopsTheTour()
    {
        using var folder = new TempFolder();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            TourRunner.RunAsync(TourSections.All(), new TourContext(folder.Path, true), null, cancellation.Token));
    }

    private sealed class SkippingSection : ITourSection
    {
        public string Title => "Needs data";

        public Task<ReportSection> RunAsync(TourContext context, CancellationToken cancellationToken) =>
            throw new TourSectionSkippedException("Fashion-MNIST is not installed. To get it, run: sudo apt-get install -y dataset-fashion-mnist");
    }

    private sealed class ThrowingSection : ITourSection
    {
        public string Title => "Broken";

        public Task<ReportSection> RunAsync(TourContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("boom");
    }
}
