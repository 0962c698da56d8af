using Manabi.Torch.Training;
using Manabi.Vision.Models;

namespace Manabi.Vision.Training;

/// <summary>The classifier training settings <c>manabi vision train</c> starts from, per model and image size.</summary>
public static class TrainingPresets
{
    /// <summary>
    /// The preset settings for <paramref name="model"/> on <paramref name="imageSize"/>-pixel images: the optimiser's
    /// defaults (<see cref="TrainingOptions.DefaultLearningRate"/>), except a peak of 1e-3 for ViTs with AdamW, which
    /// are less stable at 2e-3; pad-and-crop of a fourteenth of the side (2 pixels at 28), at least 1.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="model"/> is not a known model name.</exception>
    public static TrainingOptions ForModel(string model, int imageSize, OptimizerKind optimizer = OptimizerKind.AdamW)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageSize);
        var info = VisionModels.Find(model) ?? throw new ArgumentException($"unknown model '{model}'.", nameof(model));
        bool vit = info.Family == VisionModelFamily.VisionTransformer;
        return new TrainingOptions
        {
            Optimizer = optimizer,
            LearningRate = optimizer == OptimizerKind.AdamW && vit ? 1e-3 : TrainingOptions.DefaultLearningRate(optimizer),
            CropPadding = Math.Max(1, imageSize / 14),
        };
    }
}
