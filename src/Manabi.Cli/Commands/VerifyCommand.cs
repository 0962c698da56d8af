using Manabi.Cli.Siamese;
using Manabi.Cli.Vision;
using Manabi.Torch.Data;
using Manabi.Torch.Evaluation;
using Manabi.Torch.Siamese;
using Manabi.Vision.Data;
using Manabi.Vision.Siamese;
using System.CommandLine;
using System.Text.Json;
using TorchSharp;

namespace Manabi.Cli.Commands;

/// <summary><c>manabi verify</c>: are two images of the same class, according to a trained Siamese encoder?</summary>
public static class VerifyCommand
{
    /// <summary>Builds the <c>verify</c> command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Run folder written by 'manabi siamese train'.", Required = true };
        var first = new Argument<string>("IMAGE_A") { Description = "The first image (PNG or JPEG, the model's size)." };
        var second = new Argument<string>("IMAGE_B") { Description = "The second image." };
        var command = new Command("verify",
            "Prints the embedding distance of two images and whether they are the same class at the equal-error-rate threshold " +
            "(saved by 'manabi siamese eval', else measured on 2,000 test images of the classes not trained on). One JSON line.")
        {
            checkpoint, first, second,
        };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            using var run = SiameseRuns.Open(parseResult.GetValue(checkpoint)!);
            var config = run.State.Network;
            byte[] a = VisionData.ReadImage(parseResult.GetValue(first)!, config.Channels, config.ImageSize, config.ImageSize, "IMAGE_A");
            byte[] b = VisionData.ReadImage(parseResult.GetValue(second)!, config.Channels, config.ImageSize, config.ImageSize, "IMAGE_B");
            var pair = new ImageDataset([.. a, .. b], [0, 0], config.Channels, config.ImageSize, config.ImageSize, ["image"]);
            var saved = SiameseRuns.ReadThreshold(run);
            var operatingPoint = saved ?? SiameseRuns.MeasureThreshold(run);
            double threshold = operatingPoint.Threshold;
            string source = saved is not null
                ? Path.Combine(run.Directory, SiameseRun.ThresholdFileName)
                : $"measured on {operatingPoint.Images} test images of classes {string.Join(",", operatingPoint.Classes)}";
            using var scope = torch.NewDisposeScope();
            var embeddings = ImageEmbedder.Embed(run.Network, pair, run.State.Mean, run.State.Std);
            double distance = PairwiseDistances.Rows(embeddings[0..1], embeddings[1..2], EmbeddingDistance.Euclidean, eps: 0).item<float>();
            var line = new Dictionary<string, object>
            {
                ["distance"] = distance,
                ["threshold"] = threshold,
                ["same"] = distance <= threshold,
                ["threshold_source"] = source,
            };
            output.WriteLine(JsonSerializer.Serialize(line));
            return ExitCodes.Success;
        }));
        return command;
    }
}
