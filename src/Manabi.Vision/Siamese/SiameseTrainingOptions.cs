using Manabi.Torch.Data;
using Manabi.Torch.Evaluation;
using Manabi.Torch.Losses;
using Manabi.Torch.Siamese;
using Manabi.Torch.Training;
using Manabi.Vision.Data;

namespace Manabi.Vision.Siamese;

/// <summary>
/// The settings of a Siamese or self-supervised run; defaults suit 28×28 Fashion-MNIST and SE-ResNet-small.
/// <see cref="Margin"/>, <see cref="LearningRate"/> and <see cref="WeightDecay"/> follow <see cref="Objective"/> and
/// <see cref="Optimizer"/> unless set (the presets <c>manabi siamese train</c> uses).
/// </summary>
public sealed record SiameseTrainingOptions
{
    // Null until set, so the defaults follow the objective and optimiser whichever order an initializer sets them in.
    private readonly double? margin;
    private readonly double? learningRate;
    private readonly double? weightDecay;

    /// <summary>The objective.</summary>
    public SiameseObjective Objective { get; init; } = SiameseObjective.Contrastive;

    /// <summary>Epochs (one epoch ≈ one pass over the training images).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Stop (after saving) when this much training time has passed; 0 for no limit.</summary>
    public double MaxMinutes { get; init; }

    /// <summary>Images per batch of the self-supervised objectives.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Classes per batch of the supervised objectives (capped at the classes available).</summary>
    public int ClassesPerBatch { get; init; } = 6;

    /// <summary>Images per class per batch of the supervised objectives.</summary>
    public int ImagesPerClass { get; init; } = 20;

    /// <summary>
    /// Margin of the contrastive (euclidean, on normalised embeddings) and triplet losses; unless set,
    /// <see cref="DefaultMargin"/> of the objective (0.2 triplet, 0.5 contrastive).
    /// </summary>
    public double Margin { get => margin ?? DefaultMargin(Objective); init => margin = value; }

    /// <summary>The contrastive loss's form.</summary>
    public ContrastiveForm ContrastiveForm { get; init; } = ContrastiveForm.Squared;

    /// <summary>The triplet miner.</summary>
    public TripletMiningStrategy Miner { get; init; } = TripletMiningStrategy.SemiHard;

    /// <summary>The distance of the supervised losses.</summary>
    public EmbeddingDistance Distance { get; init; } = EmbeddingDistance.Euclidean;

    /// <summary>NT-Xent and SupCon temperature; InfoNCE uses its inverse as the scale.</summary>
    public double Temperature { get; init; } = 0.2;

    /// <summary>SimSiam's stop-gradient (switch off only to demonstrate collapse).</summary>
    public bool StopGradient { get; init; } = true;

    /// <summary>The optimiser.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;

    /// <summary>Peak learning rate; unless set, <see cref="DefaultLearningRate"/> of the optimiser (1e-3 AdamW, 0.05 SGD).</summary>
    public double LearningRate { get => learningRate ?? DefaultLearningRate(Optimizer); init => learningRate = value; }

    /// <summary>Weight decay (weights only); unless set, <see cref="DefaultWeightDecay"/> of the optimiser (1e-4 AdamW, 5e-4 SGD).</summary>
    public double WeightDecay { get => weightDecay ?? DefaultWeightDecay(Optimizer); init => weightDecay = value; }

    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>SGD only: Nesterov momentum, as PyTorch's <c>SGD(nesterov=True)</c>; off gives classical momentum.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Linear warm-up as a fraction of the run.</summary>
    public double WarmupFraction { get; init; } = 0.05;

    /// <summary>Gradient-norm clipping; 0 for none.</summary>
    public double GradientClip { get; init; } = 5;

    /// <summary>Seed of initialisation, batches and augmentation.</summary>
    public int Seed { get; init; }

    /// <summary>The augmentation of the views; null for the objective's default (<see cref="DefaultAugmentation"/>).</summary>
    public ViewAugmentationOptions? Augmentation { get; init; }

    /// <summary>
    /// The default margin of an objective on L2-normalised embeddings (distances in [0, 2]): 0.2 for the triplet loss,
    /// as FaceNet; 0.5 for the contrastive loss, whose negatives must clear the margin on their own rather than
    /// relative to a positive. The self-supervised objectives have no margin.
    /// </summary>
    public static double DefaultMargin(SiameseObjective objective) => objective == SiameseObjective.Triplet ? 0.2 : 0.5;

    /// <summary>The default peak learning rate of an optimiser: 1e-3 for AdamW, 0.05 for SGD with momentum.</summary>
    public static double DefaultLearningRate(OptimizerKind optimizer) => optimizer == OptimizerKind.Sgd ? 0.05 : 1e-3;

    /// <summary>The default weight decay of an optimiser: 1e-4 for AdamW, 5e-4 for SGD.</summary>
    public static double DefaultWeightDecay(OptimizerKind optimizer) => optimizer == OptimizerKind.Sgd ? 5e-4 : 1e-4;

    /// <summary>The preset settings of <paramref name="objective"/> trained with <paramref name="optimizer"/>.</summary>
    public static SiameseTrainingOptions ForObjective(SiameseObjective objective, OptimizerKind optimizer = OptimizerKind.AdamW) =>
        new() { Objective = objective, Optimizer = optimizer };

    /// <summary>
    /// The default augmentation: the full SimCLR-style recipe for self-supervised objectives; for supervised ones
    /// a milder one (crops of 60–100% of the area, flips, light affine jitter and erasing), since labels already
    /// say what must be invariant.
    /// </summary>
    public static ViewAugmentationOptions DefaultAugmentation(SiameseObjective objective) => objective.IsSupervised()
        ? new ViewAugmentationOptions
        {
            MinCropScale = 0.6,
            AffineProbability = 0.3,
            NoiseProbability = 0,
            BlurProbability = 0,
            JitterProbability = 0.3,
            ErasingProbability = 0.1,
        }
        : new ViewAugmentationOptions();

    /// <summary>
    /// The loss of a supervised <see cref="Objective"/>: the contrastive loss over every pair, the triplet loss over
    /// mined triplets, SupCon at <see cref="Temperature"/>, or the multi-similarity loss with its paper's settings.
    /// </summary>
    /// <exception cref="InvalidOperationException">The objective is self-supervised.</exception>
    public ILabelledEmbeddingLoss LabelledLoss() => Objective switch
    {
        SiameseObjective.Contrastive => new PairContrastiveLoss(Margin, ContrastiveForm, Distance),
        SiameseObjective.Triplet => new MinedTripletLoss(Miner, Margin, Distance),
        SiameseObjective.SupervisedContrastive => new SupervisedContrastiveLoss(Temperature),
        SiameseObjective.MultiSimilarity => new MultiSimilarityLoss(),
        _ => throw new InvalidOperationException($"{Objective.Name()} is self-supervised: it has no labelled loss."),
    };

    /// <summary>The equivalent settings of the shared <see cref="Optimizer"/>.</summary>
    internal TrainingOptions ToOptimizerOptions() => new()
    {
        Optimizer = Optimizer,
        LearningRate = LearningRate,
        WeightDecay = WeightDecay,
        Momentum = Momentum,
        Nesterov = Nesterov,
        GradientClip = GradientClip,
        Seed = Seed,
    };
}
