namespace Manabi.Vision.Siamese;

/// <summary>What a <see cref="SiameseTrainer"/> optimises.</summary>
public enum SiameseObjective
{
    /// <summary>Supervised: the contrastive loss over every pair of class-balanced batches.</summary>
    Contrastive,

    /// <summary>Supervised: the triplet margin loss over mined triplets of class-balanced batches.</summary>
    Triplet,

    /// <summary>Self-supervised SimCLR: NT-Xent over two augmented views; labels unused.</summary>
    NTXent,

    /// <summary>Self-supervised SimSiam: symmetric negative cosine with a predictor and stop-gradient; labels unused.</summary>
    SimSiam,

    /// <summary>Self-supervised InfoNCE (multiple negatives ranking, shared with the sentence work) from each first view to its second.</summary>
    InfoNce,

    /// <summary>Supervised: SupCon, the supervised contrastive loss over every pair of class-balanced batches.</summary>
    SupervisedContrastive,

    /// <summary>Supervised: the multi-similarity loss (mined and softly weighted pairs) over class-balanced batches.</summary>
    MultiSimilarity,
}

/// <summary>Names of objectives as the command line spells them.</summary>
public static class SiameseObjectives
{
    /// <summary>Whether the objective needs class labels.</summary>
    public static bool IsSupervised(this SiameseObjective objective) =>
        objective is SiameseObjective.Contrastive or SiameseObjective.Triplet or SiameseObjective.SupervisedContrastive or SiameseObjective.MultiSimilarity;

    /// <summary>The command-line name ("contrastive", "triplet", "supcon", "multi-similarity", "ntxent", "simsiam", "infonce").</summary>
    public static string Name(this SiameseObjective objective) => objective switch
    {
        SiameseObjective.NTXent => "ntxent",
        SiameseObjective.InfoNce => "infonce",
        SiameseObjective.MultiSimilarity => "multi-similarity",
        SiameseObjective.SupervisedContrastive => "supcon",
        _ => objective.ToString().ToLowerInvariant(),
    };

    /// <summary>The objective of a command-line name, or null.</summary>
    public static SiameseObjective? Parse(string name) =>
        Enum.GetValues<SiameseObjective>().Cast<SiameseObjective?>().FirstOrDefault(o => o!.Value.Name().Equals(name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
