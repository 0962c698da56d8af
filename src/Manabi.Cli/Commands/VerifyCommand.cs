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
        var features = new Option<bool>("--features")
        {
            Description = "Compare the L2-normalised features (the readout, the head discarded) instead of the head's embeddings; " +
                          "implied when the saved threshold was measured on them by 'siamese eval --features'.",
        };
        var command = new Command("verify",
            "Prints the embedding distance of two images and whether they are the same class at the equal-error-rate threshold " +
            "(saved by 'manabi siamese eval', else measured on 2,000 test images of the classes not trained on). One JSON line.")
        {
            checkpoint, first, second, features,
        };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            using var run = SiameseRuns.Open(parseResult.GetValue(checkpoint)!);
            var config = run.State.Network;
            byte[] a = VisionData.ReadImage(parseResult.GetValue(first)!, config.Channels, config.ImageSize, config.ImageSize, "IMAGE_A");
            byte[] b = VisionData.ReadImage(parseResult.GetValue(second)!, config.Channels, config.ImageSize, config.ImageSize, "IMAGE_B");
            var pair = new ImageDataset([.. a, .. b], [0, 0], config.Channels, config.ImageSize, config.ImageSize, ["image"]);
            // A pair is compared in the space its threshold was measured in (the library's rule, SiameseRun.Threshold).
            var operatingPoint = SiameseRuns.Threshold(run, parseResult.GetValue(features) ? true : null);
            bool useFeatures = operatingPoint.Features;
            double threshold = operatingPoint.Threshold;
            string source = operatingPoint.SourceFile
                ?? $"measured on {operatingPoint.Images} test images of classes {string.Join(",", operatingPoint.Classes)}";
            using var scope = torch.NewDisposeScope();
            var embeddings = run.Embed(pair, useFeatures);
            double distance = PairwiseDistances.Rows(embeddings[0..1], embeddings[1..2], EmbeddingDistance.Euclidean, eps: 0).item<float>();
            var line = new Dictionary<string, object>
            {
                ["distance"] = distance,
                ["threshold"] = threshold,
                ["same"] = distance <= threshold,
                ["threshold_source"] = source,
                ["embedding"] = useFeatures ? "features" : "head",
            };
            output.WriteLine(JsonSerializer.Serialize(line));
            return ExitCodes.Success;
        }));
        return command;
    }
}
