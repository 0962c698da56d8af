using Manabi.Cli.Commands;
using Manabi.Cli.Reporting;
using Manabi.Cli.Siamese;
using Manabi.Numerics.Metrics;
using Manabi.Torch.Data;
using Manabi.Torch.Evaluation;
using Manabi.Torch.Runtime;
using Manabi.Torch.Siamese;
using Manabi.Torch.Training;
using Manabi.Vision.Data;
using Manabi.Vision.Siamese;
using Manabi.Vision.Training;
using System.Globalization;
using TorchSharp;

namespace Manabi.Cli.Tour;

/// <summary>
/// Tour section for Siamese networks: a short SupCon training of a ResNet-18-tiny encoder read out at several scales on
/// Fashion-MNIST classes 0–5, then one-shot episodes and verification on the unseen classes 6–9 (episode rows
/// with the chosen match, the ROC curve) and the embedding spectrum of the readout with the projection head discarded,
/// against the untrained encoder and raw pixels.
/// </summary>
public sealed class SiameseSection : ITourSection
{
    private const string Encoder = "resnet18-tiny";
    private static readonly int[] SeenClasses = [0, 1, 2, 3, 4, 5];
    private static readonly int[] UnseenClasses = [6, 7, 8, 9];

    /// <inheritdoc />
    public string Title => "Siamese networks: one-shot recognition of unseen classes";

    /// <inheritdoc />
    public Task<ReportSection> RunAsync(TourContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        TorchRuntime.EnsureLoaded();
        var section = new ReportSection(Title);
        section.AddParagraph(
            "A Siamese network learns whether two images show the same kind of thing, so it can recognise classes it never saw " +
            "from a single example. Try 'manabi siamese train --data fashion-mnist --classes 0-5 --encoder resnet18-tiny --loss supcon --readout multiscale --epochs 4 --output run', " +
            "'manabi siamese eval --checkpoint run --classes 6-9 --way 4 --shot 1 --episodes 10000 --features', 'manabi embeddings report --checkpoint run --features --output report' " +
            "and 'manabi verify --checkpoint run a.png b.png'.");
        string folder = FashionMnistLocator.LocateOrInstall(context.Log) ?? throw new TourSectionSkippedException(FashionMnistLocator.MissingMessage);
        var train = ImageEmbedder.FilterClasses(FashionMnist.Load(true, folder), SeenClasses).Subset(context.Quick ? 4800 : 36000, context.Seed);
        var test = ImageEmbedder.FilterClasses(FashionMnist.Load(false, folder), UnseenClasses).Subset(context.Quick ? 800 : 2000, context.Seed + 1);
        var (mean, std) = train.ChannelStatistics();
        var options = new SiameseTrainingOptions
        {
            Objective = SiameseObjective.SupervisedContrastive,
            Epochs = context.Quick ? 1 : 2,
            ImagesPerClass = 16,
            Seed = context.Seed,
            MaxMinutes = 3,
        };
        var state = new SiameseRunState
        {
            Network = new EmbeddingNetworkConfig(Encoder, 28, 1) { Readout = FeatureReadout.MultiScale },
            Data = "fashion-mnist",
            ClassNames = FashionMnist.ClassNames,
            TrainClasses = SeenClasses,
            Mean = mean,
            Std = std,
            Options = options,
        };
        torch.manual_seed(context.Seed);
        using var network = new EmbeddingNetwork(state.Network);
        using var scope = torch.NewDisposeScope();
        var before = Evaluate(network, test, mean, std, context.Seed);
        var pixels = Score(RawPixels(test), test, context.Seed);

        string run = Directory.CreateTempSubdirectory("manabi-tour-siamese-").FullName;
        var trainer = new SiameseTrainer(network, state, run);
        TrainingOutcome outcome;
        try
        {
            outcome = trainer.Run(train, cancellationToken);
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }
        cancellationToken.ThrowIfCancellationRequested();
        var history = trainer.State.History;
        var after = Evaluate(network, test, mean, std, context.Seed);

        section.AddHeading("Training on classes 0–5 only");
        section.AddParagraph(
            $"{train.Count:N0} training images of {string.Join(", ", SeenClasses.Select(c => FashionMnist.ClassNames[c]))}; batches of 6 classes × 16 images; " +
            $"SupCon (Khosla et al. 2020, temperature {options.Temperature.ToString(CultureInfo.InvariantCulture)}) over every pair of each batch, on a 128-d head " +
            $"that reads the encoder's stages 1–4 pooled to 7×7, 4×4, 2×2 and 1×1 grids; {history.Count} epoch(s)" +
            $"{(outcome == TrainingOutcome.TimeLimit ? ", stopped by the section's time budget" : "")}. As in SimCLR, the head is discarded for evaluation: the " +
            $"episodes compare the {network.FeatureDimension:N0}-d multi-scale readout, which keeps where each part of the silhouette is.");
        section.AddTable(["", "raw pixels (no learning)", "untrained encoder", "after training"],
        [
            ["4-way 1-shot accuracy (1,000 episodes)", Percent(pixels.FewShot.Accuracy), Percent(before.FewShot.Accuracy), Percent(after.FewShot.Accuracy)],
            ["verification ROC AUC", Fixed(pixels.Verification.Auc), Fixed(before.Verification.Auc), Fixed(after.Verification.Auc)],
            ["equal error rate", Percent(pixels.Verification.Eer), Percent(before.Verification.Eer), Percent(after.Verification.Eer)],
            ["effective rank (RankMe)", Rank(pixels.Quality), Rank(before.Quality), Rank(after.Quality)],
        ], $"On {test.Count:N0} test images of the unseen classes {string.Join(", ", UnseenClasses.Select(c => FashionMnist.ClassNames[c]))}; " +
           "raw pixels are the L2-normalised images, the baseline a learned embedding has to beat.");

        section.AddHeading("One-shot episodes on unseen classes");
        section.AddChart(EpisodeGrid.Render(Episodes(after.Embeddings, test, 6, context.Seed + 3), 1, 28, 28,
                "4-way 1-shot: query, then one example of each unseen class (framed: nearest)"),
            "Each row is an episode: the query on the left, one support image per unseen class, the nearest support framed (green when right).");
        section.AddChart(Charts.Line("Verification ROC on unseen classes", "false positive rate", "true positive rate",
            [
                new ChartSeries($"after training (AUC {after.Verification.Auc:0.000})", after.Verification.Roc.FalsePositiveRates, after.Verification.Roc.TruePositiveRates),
                new ChartSeries($"untrained (AUC {before.Verification.Auc:0.000})", before.Verification.Roc.FalsePositiveRates, before.Verification.Roc.TruePositiveRates),
            ], (0, 1)), "Every pair of the test images: same class or not, decided by the embedding distance.");
        section.AddChart(EmbeddingsCommand.SpectrumChart(after.Quality, "after training"),
            "Eigenvalues of the embedding covariance: a flat spectrum uses every dimension, a steep drop means collapse.");
        section.AddFacts(
            ("mean std of normalised embeddings", $"{after.Quality.MeanNormalizedStd:0.0000} (healthy ≈ 1/√d = {after.Quality.HealthyStd:0.0000})"),
            ("alignment / uniformity", $"{after.Quality.Alignment?.ToString("0.000", CultureInfo.InvariantCulture) ?? "n/a"} / {after.Quality.Uniformity:0.000}"),
            ("training images per second", history.Count > 0 ? history[^1].ImagesPerSecond.ToString("0", CultureInfo.InvariantCulture) : "n/a"));
        // A loaded machine can hit the time budget inside the first epoch: say what was trained, not "0 epochs".
        long imagesTrained = trainer.State.ExamplesTrained;
        string trained = outcome == TrainingOutcome.TimeLimit
            ? $"{imagesTrained:N0} training images ({history.Count} of {options.Epochs} epochs; the section's {options.MaxMinutes:0}-minute budget ran out)"
            : $"{history.Count} short epoch(s)";
        section.Headline = $"after {trained} on classes 0–5, 4-way 1-shot accuracy on unseen classes went from {Percent(before.FewShot.Accuracy)} " +
                           $"to {Percent(after.FewShot.Accuracy)} (raw pixels {Percent(pixels.FewShot.Accuracy)}); EER {Percent(after.Verification.Eer)} (pixels {Percent(pixels.Verification.Eer)})";
        return Task.FromResult(section);
    }

    private sealed record Evaluation(torch.Tensor Embeddings, FewShotResult FewShot, VerificationResult Verification, EmbeddingQualityReport Quality);

    private static Evaluation Evaluate(EmbeddingNetwork network, ImageDataset test, float[] mean, float[] std, int seed) =>
        Score(ImageEmbedder.Embed(network, test, mean, std, features: true), test, seed);

    /// <summary>The test images as L2-normalised pixel vectors: what a one-shot learner gets for free.</summary>
    private static torch.Tensor RawPixels(ImageDataset test)
    {
        var pixels = torch.tensor(test.Pixels, [test.Count, test.ImageBytes]).to_type(torch.ScalarType.Float32);
        return torch.nn.functional.normalize(pixels, p: 2, dim: 1);
    }

    private static Evaluation Score(torch.Tensor embeddings, ImageDataset test, int seed)
    {
        var fewShot = FewShotEvaluator.Evaluate(embeddings, test.Labels, 4, 1, 1000, 1, seed);
        var (verification, _) = EmbeddingVerification.Evaluate(embeddings, test.Labels, test.Count, seed);
        var quality = EmbeddingQuality.Compute(embeddings, test.Labels, seed: seed);
        return new Evaluation(embeddings, fewShot, verification, quality);
    }

    /// <summary>A few episodes drawn for display (the accuracy comes from the vectorised evaluator).</summary>
    private static List<EpisodeRow> Episodes(torch.Tensor embeddings, ImageDataset test, int count, int seed)
    {
        float[] e = embeddings.contiguous().data<float>().ToArray();
        int d = (int)embeddings.shape[1];
        var random = new Random(seed);
        var byClass = UnseenClasses.ToDictionary(c => c, c => Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == c).ToArray());
        var rows = new List<EpisodeRow>(count);
        for (int r = 0; r < count; r++)
        {
            int queryClass = UnseenClasses[random.Next(UnseenClasses.Length)];
            int query = byClass[queryClass][random.Next(byClass[queryClass].Length)];
            var supports = UnseenClasses.Select(c =>
            {
                int s;
                do
                {
                    s = byClass[c][random.Next(byClass[c].Length)];
                }
                while (s == query);
                return s;
            }).ToArray();
            double[] distances = supports.Select(s => Math.Sqrt(Enumerable.Range(0, d).Sum(k => Math.Pow(e[query * d + k] - e[s * d + k], 2)))).ToArray();
            int chosen = Array.IndexOf(distances, distances.Min());
            rows.Add(new EpisodeRow(Pixels(test, query), FashionMnist.ClassNames[queryClass],
                [.. supports.Select(s => Pixels(test, s))],
                [.. supports.Select((s, i) => $"{FashionMnist.ClassNames[test.Labels[s]]} {distances[i]:0.00}")],
                chosen, test.Labels[supports[chosen]] == queryClass));
        }
        return rows;
    }

    private static byte[] Pixels(ImageDataset data, int index) => data.Pixels.AsSpan(index * data.ImageBytes, data.ImageBytes).ToArray();

    private static string Percent(double value) => value.ToString("P1", CultureInfo.InvariantCulture);

    private static string Fixed(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Rank(EmbeddingQualityReport quality) =>
        string.Create(CultureInfo.InvariantCulture, $"{quality.EffectiveRank:0.0} of {quality.Dimensions:N0}");
}
