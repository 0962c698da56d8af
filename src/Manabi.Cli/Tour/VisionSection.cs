using Manabi.Cli.Commands;
using Manabi.Cli.Output;
using Manabi.Cli.Reporting;
using Manabi.Torch.Data;
using Manabi.Torch.Runtime;
using Manabi.Torch.Training;
using Manabi.Vision.Data;
using Manabi.Vision.Models;
using Manabi.Vision.Training;
using System.Globalization;
using TorchSharp;

namespace Manabi.Cli.Tour;

/// <summary>
/// Tour section for vision: a short training run of an Attention Branch Network on an SE-ResNet-18-small backbone
/// with a Fashion-MNIST subset (its accuracy curve and attention-map grid), and the named ViT configurations.
/// </summary>
public sealed class VisionSection : ITourSection
{
    private const string Model = "abn-seresnet18-small";

    /// <inheritdoc />
    public string Title => "Vision: SE-ResNet, Attention Branch Network, ViT";

    /// <inheritdoc />
    public Task<ReportSection> RunAsync(TourContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        TorchRuntime.EnsureLoaded();
        var section = new ReportSection(Title);
        section.AddParagraph(
            "Squeeze-and-Excitation recalibrates channels, the Attention Branch Network's attention map both explains and " +
            "weights the features, and a Vision Transformer reads an image as a sequence of patches. Try " +
            "'manabi vision models', 'manabi vision train --model seresnet18-small --data fashion-mnist --output run' and " +
            "'manabi vision explain --checkpoint run --count 16 --output maps.png'.");
        string folder = FashionMnistLocator.LocateOrInstall(context.Log) ?? throw new TourSectionSkippedException(FashionMnistLocator.MissingMessage);
        var train = FashionMnist.Load(true, folder).Subset(context.Quick ? 256 : 2000, context.Seed);
        var test = FashionMnist.Load(false, folder).Subset(context.Quick ? 128 : 1000, context.Seed + 1);

        // The checkpoint is a by-product here: a scratch folder keeps the report folder to report.html.
        string run = Directory.CreateTempSubdirectory("manabi-tour-vision-").FullName;
        var (mean, std) = train.ChannelStatistics();
        int epochs = context.Quick ? 2 : 3;
        var options = new TrainingOptions
        {
            Epochs = epochs, BatchSize = 64, LearningRate = 2e-3, WarmupEpochs = 0.5, Seed = context.Seed,
        };
        var state = new TrainingState
        {
            Model = Model, Classes = 10, ImageSize = 28, Channels = 1, ClassNames = FashionMnist.ClassNames, Data = "fashion-mnist",
            Mean = mean, Std = std, Options = options,
        };
        torch.manual_seed(context.Seed);
        using var model = VisionModels.Create(Model);
        var trainer = new Trainer(model, state, run);
        TrainingOutcome outcome;
        try
        {
            outcome = trainer.Run(train, test, cancellationToken);
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }
        cancellationToken.ThrowIfCancellationRequested();
        var history = trainer.State.History;
        if (history.Count == 0)
        {
            throw new InvalidOperationException("The training run finished no epoch within its time budget; the machine may be heavily loaded.");
        }

        section.AddHeading($"A short training run: {Model}");
        section.AddParagraph(
            $"{train.Count:N0} training and {test.Count:N0} test images of Fashion-MNIST (seed {context.Seed}), AdamW with a cosine schedule " +
            $"and warm-up, label smoothing 0.1, pad-and-crop and flips; the SE-ResNet-18-small backbone (widths 32–256) under an " +
            $"attention branch, trained with CE(attention branch) + CE(perception branch).{(outcome == TrainingOutcome.TimeLimit ? " Stopped by its time budget." : "")}");
        double[] epochAxis = [.. history.Select(h => (double)h.Epoch)];
        section.AddChart(Charts.Line("Accuracy per epoch", "epoch", "accuracy",
            [
                new ChartSeries("train (augmented)", epochAxis, [.. history.Select(h => h.TrainAccuracy)]),
                new ChartSeries("test", epochAxis, [.. history.Select(h => h.TestAccuracy ?? double.NaN)]),
            ], (0, 1)), "Training and test accuracy after each epoch.");
        var last = history[^1];
        section.AddFacts(
            ("test accuracy", Percent(last.TestAccuracy)),
            ("epochs", history.Count.ToString(CultureInfo.InvariantCulture)),
            ("training images per second", last.ImagesPerSecond.ToString("0", CultureInfo.InvariantCulture)),
            ("threads", torch.get_num_threads().ToString(CultureInfo.InvariantCulture)));

        var shown = test.Subset(16, context.Seed + 2);
        byte[] grid = VisionCommand.RenderExplanations(model, shown, mean, std, $"{Model}: ABN attention map M(x) (true → predicted)");
        section.AddChart(grid, "Each test image beside its attention map M(x) overlaid (red = high); green captions are correct predictions.");

        section.AddHeading("Named Vision Transformer configurations");
        var rows = VisionTransformerConfig.Named().Select(c => (IReadOnlyList<string>)
        [
            c.Name, c.TimmName ?? "", c.EmbedDim.ToString(CultureInfo.InvariantCulture), c.Depth.ToString(CultureInfo.InvariantCulture),
            c.Heads.ToString(CultureInfo.InvariantCulture), c.PatchSize.ToString(CultureInfo.InvariantCulture),
            VisionModels.ParameterCount(c.Name).ToString("N0", CultureInfo.InvariantCulture),
        ]).ToList();
        section.AddTable(["name", "timm name", "width", "depth", "heads", "patch", "parameters (224 px, 1000 classes)"], rows,
            "Counted on the meta device; ViT-B/16 86,567,656 and ViT-H/14 632,045,800 equal timm/torchvision.");
        section.Headline = $"{Model} reached {Percent(last.TestAccuracy)} test accuracy on a {train.Count:N0}-image subset in {history.Count} epochs; " +
                           $"ViT-B/16 has {VisionModels.ParameterCount("ViT-B/16"):N0} parameters";
        return Task.FromResult(section);
    }

    private static string Percent(double? value) => value is { } v ? v.ToString("P1", CultureInfo.InvariantCulture) : "n/a";
}
