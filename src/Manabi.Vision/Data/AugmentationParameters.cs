namespace Manabi.Vision.Data;

/// <summary>
/// Every random choice of one <see cref="ViewAugmentation"/> call: one <see cref="ImageAugmentationParameters"/>
/// per image and the seed of the generator that draws the pixel noise.
/// </summary>
/// <param name="Images">The per-image choices, in batch order.</param>
/// <param name="NoiseSeed">Seed of the torch generator that draws the Gaussian noise.</param>
public sealed record AugmentationParameters(IReadOnlyList<ImageAugmentationParameters> Images, long NoiseSeed);
