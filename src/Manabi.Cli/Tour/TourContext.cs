namespace Manabi.Cli.Tour;

/// <summary>What every tour section may rely on: where to write, how much work to do, and a fixed seed.</summary>
/// <param name="OutputDirectory">The folder the tour writes its report (and any extra files) into.</param>
/// <param name="Quick">True for a smaller, faster run (used by tests and CI).</param>
/// <param name="Seed">The seed for synthetic data, so every run shows the same numbers.</param>
/// <param name="Log">
/// Receives progress lines a user should see while a section runs (e.g. that a data set is being installed); null drops them.
/// </param>
public sealed record TourContext(string OutputDirectory, bool Quick, int Seed = 42, Action<string>? Log = null);
