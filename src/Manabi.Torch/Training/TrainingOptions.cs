using System.Text.Json.Serialization;

namespace Manabi.Torch.Training;

/// <summary>The optimiser a training run uses.</summary>
public enum OptimizerKind
{
    /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter).</summary>
    AdamW,

    /// <summary>Stochastic gradient descent with (optionally Nesterov) momentum and L2 weight decay.</summary>
    Sgd,
}

/// <summary>
/// The settings of a training run; the defaults suit the small Fashion-MNIST models. <see cref="LearningRate"/> and
/// <see cref="WeightDecay"/> follow <see cref="Optimizer"/> unless set.
/// </summary>
public sealed record TrainingOptions
{
    // Null until set, so the defaults follow the optimiser whichever order an initializer sets them in.
    private readonly double? learningRate;
    private readonly double? weightDecay;

    /// <summary>Epochs to train.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>The optimiser.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;

    /// <summary>Peak learning rate; unless set, <see cref="DefaultLearningRate"/> of the optimiser (2e-3 AdamW, 0.1 SGD).</summary>
    public double LearningRate { get => learningRate ?? DefaultLearningRate(Optimizer); init => learningRate = value; }

    /// <summary>Final learning rate of the cosine schedule.</summary>
    public double MinLearningRate { get; init; }

    /// <summary>
    /// Weight decay, applied to weights only (not norms, biases, position embeddings or class tokens); unless set,
    /// <see cref="DefaultWeightDecay"/> of the optimiser (0.05 AdamW, 5e-4 SGD).
    /// </summary>
    public double WeightDecay { get => weightDecay ?? DefaultWeightDecay(Optimizer); init => weightDecay = value; }

    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>
    /// SGD only: Nesterov momentum, as PyTorch's <c>SGD(nesterov=True)</c> and timm's <c>--opt sgd</c> (which is
    /// Nesterov); off gives classical (heavy-ball) momentum.
    /// </summary>
    public bool Nesterov { get; init; }

    /// <summary>Linear warm-up length in epochs (may be fractional; at most a fifth of the run).</summary>
    public double WarmupEpochs { get; init; } = 1;

    /// <summary>Label smoothing of the cross-entropy.</summary>
    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>Clip the global gradient norm to this; 0 for no clipping.</summary>
    public double GradientClip { get; init; } = 1.0;

    /// <summary>Seed of initialisation, order, augmentation and dropout.</summary>
    public int Seed { get; init; }

    /// <summary>Stop (after saving) when this much wall time has passed; 0 for no limit.</summary>
    public double MaxMinutes { get; init; }

    /// <summary>Pad-and-crop augmentation in pixels.</summary>
    public int CropPadding { get; init; } = 2;

    /// <summary>Random horizontal flips.</summary>
    public bool HorizontalFlip { get; init; } = true;

    /// <summary>
    /// Mixup (Zhang et al. 2018) on each training batch: images and their labels are blended with the batch reversed,
    /// by a weight drawn from Beta(alpha, alpha); 0 for none (timm's <c>--mixup</c>, 0.8 in its ImageNet recipes).
    /// </summary>
    public double MixupAlpha { get; init; }

    /// <summary>
    /// CutMix (Yun et al. 2019) on each training batch: a box of the batch reversed is pasted in, the labels weighted
    /// by area, its weight drawn from Beta(alpha, alpha); 0 for none (timm's <c>--cutmix</c>, 1.0 in its recipes).
    /// With both set, each batch uses one of the two, CutMix with probability 0.5, as timm does.
    /// </summary>
    public double CutmixAlpha { get; init; }

    /// <summary>
    /// Decay of an exponential moving average of the weights (<see cref="WeightAverage"/>), evaluated and kept beside
    /// the weights; 0 for none (timm's <c>--model-ema-decay</c>, 0.9998 in its ImageNet recipes).
    /// </summary>
    public double EmaDecay { get; init; }

    /// <summary>
    /// Random erasing (Zhong et al. 2020) of training images with this probability, as timm's <c>--reprob</c> in
    /// mode 'pixel': a box of 2 % to a third of the normalised image becomes normal noise; 0 for none.
    /// </summary>
    public double RandomErasingProbability { get; init; }

    /// <summary>TrivialAugment (Müller and Hutter 2021, torchvision's <c>TrivialAugmentWide</c>) on training images.</summary>
    public bool TrivialAugment { get; init; }

    /// <summary>The views of each test image whose logits the evaluations average (none by default).</summary>
    public TestTimeAugmentation TestTimeAugmentation { get; init; }

    // Run folders written before TestTimeAugmentation replaced this flag hold "test_time_flip": read it, never write it,
    // so such a run resumes with the evaluation it was started with.
    [JsonInclude]
    [JsonPropertyName("test_time_flip")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    private bool LegacyTestTimeFlip
    {
        get => false;
        init
        {
            if (value && TestTimeAugmentation == TestTimeAugmentation.None)
            {
                TestTimeAugmentation = TestTimeAugmentation.Flip;
            }
        }
    }

    /// <summary>Evaluate on the test set after each epoch.</summary>
    public bool EvaluateEachEpoch { get; init; } = true;

    /// <summary>The default peak learning rate of an optimiser: 2e-3 for AdamW, 0.1 for SGD with momentum.</summary>
    public static double DefaultLearningRate(OptimizerKind optimizer) => optimizer == OptimizerKind.Sgd ? 0.1 : 2e-3;

    /// <summary>The default weight decay of an optimiser: 0.05 for AdamW (decoupled), 5e-4 for SGD (L2).</summary>
    public static double DefaultWeightDecay(OptimizerKind optimizer) => optimizer == OptimizerKind.Sgd ? 5e-4 : 0.05;
}
