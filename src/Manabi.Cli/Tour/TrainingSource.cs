namespace Manabi.Cli.Tour;

/// <summary>Where the tour's training text came from: the corpus, or the embedded documentation as a fallback.</summary>
/// <param name="FromCorpus">True when shared/corpus was found.</param>
/// <param name="Description">A sentence for the report saying what was trained on.</param>
internal sealed record TrainingSource(bool FromCorpus, string Description);
