namespace Manabi.Cli.Tour;

/// <summary>The registry of tour sections, in the order they run. Add new capabilities here.</summary>
public static class TourSections
{
    /// <summary>Creates every section.</summary>
    public static IReadOnlyList<ITourSection> All() =>
    [
        new InformationTheorySection(),
        new EigenPcaSection(),
        new TokenizationSection(),
        new SubwordTokenizersSection(),
        new WordVectorsSection(),
        new VisionSection(),
        new SiameseSection(),
        new SentenceEmbeddingSection(),
        new ServeSection(),
        new VectorDataSection(),
    ];
}
