using System.Text.Json.Serialization;

namespace Manabi.Vision.Siamese;

/// <summary>
/// An equal-error-rate operating point of a Siamese run, saved in its folder (<see cref="SiameseRun.ThresholdFileName"/>)
/// by <c>manabi siamese eval</c> or <see cref="SiameseRun.SaveThreshold"/> and used to verify image pairs.
/// </summary>
/// <param name="Threshold">Pairs at most this euclidean distance apart are "same".</param>
/// <param name="Eer">The equal error rate at that threshold.</param>
/// <param name="Classes">The classes it was measured on.</param>
/// <param name="Images">How many test images it was measured on (every pair of them); 0 when not recorded.</param>
/// <param name="Features">
/// Whether it was measured on the L2-normalised features (<c>--features</c>, the head discarded) rather than the head's
/// embeddings; a pair must be compared in the same space. Files saved before this existed were measured on the head.
/// </param>
public sealed record VerificationThreshold(double Threshold, double Eer, IReadOnlyList<int> Classes, int Images = 0, bool Features = false)
{
    /// <summary>The file it was read from (<see cref="SiameseRun.ReadThreshold"/>); null when it was just measured.</summary>
    [JsonIgnore]
    public string? SourceFile { get; init; }
}
