using Manabi.Cli.Data;
using Manabi.Cli.Reporting;
using Manabi.Cli.Siamese;
using Manabi.Torch.Evaluation;
using Manabi.Torch.Siamese;
using Manabi.Vision.Siamese;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TorchSharp;

namespace Manabi.Cli.Commands;

/// <summary><c>manabi embeddings report</c>: the embedding-quality report of a trained encoder.</summary>
public static class EmbeddingsCommand
{
    /// <summary>Builds the <c>embeddings</c> command.</summary>
    public static Command Create() => new("embeddings", "Embedding quality of trained encoders.") { ReportCommand() };

    private static Command ReportCommand()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Run folder written by 'manabi siamese train'.", Required = true };
        var outputDir = new Option<string>("--output") { Description = "Folder for report.json, spectrum.png and pca.png.", Required = true };
        var classes = new Option<string?>("--classes") { Description = "Test classes to embed, e.g. 6-9 (default: all)." };
        var count = new Option<int>("--count") { Description = "Seeded test images to embed.", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the image subset." };
        var features = new Option<bool>("--features") { Description = "Report the encoder's features (its readout, the head discarded) instead of the head's embeddings, as 'siamese eval --features' scores them." };
        var command = new Command("report",
            "Writes report.json (covariance spectrum, RankMe effective rank, SimSiam collapse statistic, alignment and uniformity, linear-probe-free), " +
            "spectrum.png and pca.png (2-D PCA coloured by class) for the test images; prints the JSON path.")
        {
            checkpoint, outputDir, classes, count, seed, features,
        };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            int n = parseResult.GetValue(count);
            Check.Positive(n, "--count");
            if (n < 3)
            {
                throw new InputException("--count must be at least 3.");
            }
            Check.OutputFolder(parseResult.GetValue(outputDir), "--output");
            using var created = new NewFolders(parseResult.GetValue(outputDir));
            string folder = Path.GetFullPath(parseResult.GetValue(outputDir)!);
            using var run = SiameseRuns.Open(parseResult.GetValue(checkpoint)!);
            var test = SiameseRuns.TestSplit(run);
            if (parseResult.GetValue(classes) is { } spec)
            {
                test = ImageEmbedder.FilterClasses(test, SiameseRuns.ParseClasses(spec, test.ClassNames.Count, "--classes"));
            }
            test = test.Subset(n, parseResult.GetValue(seed));
            using var scope = torch.NewDisposeScope();
            bool useFeatures = parseResult.GetValue(features);
            var embeddings = ImageEmbedder.Embed(run.Network, test, run.State.Mean, run.State.Std, features: useFeatures);
            var report = EmbeddingQuality.Compute(embeddings, test.Labels, seed: parseResult.GetValue(seed));
            Directory.CreateDirectory(folder);
            var json = new Dictionary<string, object?>
            {
                ["checkpoint"] = run.Directory,
                ["encoder"] = run.State.Network.Encoder,
                ["loss"] = run.State.Options.Objective.Name(),
                ["stop_gradient"] = run.State.Options.StopGradient,
                ["embedding"] = useFeatures ? "features" : "head",
                ["readout"] = run.State.Network.Readout.ToString(),
                ["count"] = report.Count,
                ["dimensions"] = report.Dimensions,
                ["effective_rank"] = report.EffectiveRank,
                ["mean_normalized_std"] = report.MeanNormalizedStd,
                ["healthy_std"] = report.HealthyStd,
                ["alignment"] = report.Alignment,
                ["uniformity"] = report.Uniformity,
                ["eigenvalues"] = report.Eigenvalues,
                ["normalized_std"] = report.NormalizedStd,
            };
            string jsonPath = Path.Combine(folder, "report.json");
            AtomicFile.WriteAllText(jsonPath, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }), "--output");
            string variant = run.State.Options.Objective == SiameseObjective.SimSiam && !run.State.Options.StopGradient ? ", no stop-gradient" : "";
            byte[] spectrum = SpectrumChart(report, $"{run.State.Network.Encoder} ({run.State.Options.Objective.Name()}{variant})");
            AtomicFile.Write(Path.Combine(folder, "spectrum.png"), s => s.Write(spectrum), "--output");
            byte[] scatter = ProjectionChart(report, test.Labels, test.ClassNames);
            AtomicFile.Write(Path.Combine(folder, "pca.png"), s => s.Write(scatter), "--output");
            output.WriteLine(jsonPath);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The covariance eigenvalues (log scale) of a report.</summary>
    public static byte[] SpectrumChart(EmbeddingQualityReport report, string name)
    {
        ArgumentNullException.ThrowIfNull(report);
        double[] index = [.. Enumerable.Range(1, report.Eigenvalues.Length).Select(i => (double)i)];
        double[] log = [.. report.Eigenvalues.Select(v => Math.Log10(Math.Max(v, 1e-12)))];
        return Charts.Line($"Embedding covariance spectrum: {name}", "component", "log10 eigenvalue",
            [new ChartSeries($"RankMe {report.EffectiveRank.ToString("0.0", CultureInfo.InvariantCulture)} of {report.Dimensions}", index, log)]);
    }

    /// <summary>The 2-D PCA scatter of a report, one colour per class.</summary>
    public static byte[] ProjectionChart(EmbeddingQualityReport report, IReadOnlyList<int> labels, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        var groups = labels.Select((label, row) => (label, row)).GroupBy(p => p.label).OrderBy(g => g.Key)
            .Select(g => new ChartSeries(classNames[g.Key], [.. g.Select(p => report.Projection2D[p.row, 0])], [.. g.Select(p => report.Projection2D[p.row, 1])]))
            .ToList();
        return Charts.Scatter("Embeddings: first two principal components", "PC 1", "PC 2", groups);
    }
}
