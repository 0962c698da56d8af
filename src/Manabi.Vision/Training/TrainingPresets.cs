using Manabi.Torch.Training;
using Manabi.Vision.Models;

namespace Manabi.Vision.Training;

/// <summary>The classifier training settings <c>manabi vision train</c> starts from, per model and image size.</summary>
public static class TrainingPresets
{
    /// <summary>
    /// The preset settings for <paramref name="model"/> on <paramref name="imageSize"/>-pixel images: the optimiser's
    /// defaults (<see cref="TrainingOptions.DefaultLearningRate"/>, batches of 128), except with AdamW batches of 64 at
    /// a peak of 4e-3 for ResNets and SE-ResNets, and a peak of 1e-3 for ViTs, which are less stable at 2e-3;
    /// pad-and-crop of a fourteenth of the side (2 pixels at 28), at least 1.
    /// </summary>
    /// <remarks>
    /// The ResNet preset is the fitting side of 12-epoch training on Fashion-MNIST: <c>seresnet18-small</c> reached
    /// 94.30 % as the mean of three seeds against 93.87 % for batch 128 at 2e-3 (docs/RESULTS.md). Attention Branch
    /// Networks keep batch 128 at 2e-3 until they are measured at the ResNet preset.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="model"/> is not a known model name.</exception>
    public static TrainingOptions ForModel(string model, int imageSize, OptimizerKind optimizer = OptimizerKind.AdamW)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageSize);
        var info = VisionModels.Find(model) ?? throw new ArgumentException($"unknown model '{model}'.", nameof(model));
        var options = new TrainingOptions
        {
            Optimizer = optimizer,
            LearningRate = TrainingOptions.DefaultLearningRate(optimizer),
            CropPadding = Math.Max(1, imageSize / 14),
        };
        if (optimizer != OptimizerKind.AdamW)
        {
            return options;
        }
        return info.Family switch
        {
            VisionModelFamily.ResNet => options with { BatchSize = 64, LearningRate = 4e-3 },
            VisionModelFamily.VisionTransformer => options with { LearningRate = 1e-3 },
            _ => options,
        };
    }
}
