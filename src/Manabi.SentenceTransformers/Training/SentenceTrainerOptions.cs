namespace Manabi.SentenceTransformers.Training;

/// <summary>Hyper-parameters of <see cref="SentenceTrainer"/>; defaults follow sentence-transformers' trainer.</summary>
public sealed record SentenceTrainerOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Rows per optimisation step.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Peak learning rate of AdamW.</summary>
    public double LearningRate { get; init; } = 2e-5;

    /// <summary>AdamW's decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Share of all steps spent warming the learning rate up linearly from 0; it then decays linearly to 0.</summary>
    public double WarmupRatio { get; init; } = 0.1;

    /// <summary>Gradients are clipped to this global L2 norm; 0 or less disables clipping.</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Seed of the shuffling (and of anything random in training).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Where checkpoints go (<c>checkpoint-STEP</c> folders); null: none.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Steps between checkpoints; 0: one at the end of every epoch.</summary>
    public int CheckpointEverySteps { get; init; }

    /// <summary>How many checkpoints to keep (the newest).</summary>
    public int CheckpointsToKeep { get; init; } = 2;
}
