using Manabi.Torch.Data;
using Manabi.Torch.Losses;
using Manabi.Torch.Siamese;
using Manabi.Torch.Training;
using Manabi.Torch.Weights;
using Manabi.Vision.Data;
using Manabi.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Vision.Siamese;

/// <summary>Where a Siamese run stands after a batch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Mean loss so far this epoch.</param>
/// <param name="ImagesPerSecond">Throughput this epoch.</param>
/// <param name="NormalizedStd">Mean per-dimension std of the normalised embeddings of the last batch.</param>
public readonly record struct SiameseProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double ImagesPerSecond, double NormalizedStd);

/// <summary>
/// Trains an <see cref="EmbeddingNetwork"/> with a supervised objective (any <see cref="ILabelledEmbeddingLoss"/>:
/// contrastive, mined triplets, SupCon, multi-similarity, over class-balanced batches) or a self-supervised one (NT-Xent, SimSiam, InfoNCE over two augmented
/// views), checkpointing into a run folder like the classifier <see cref="Trainer"/>: batches and
/// augmentations are functions of (seed, epoch, batch), so a stopped run resumes exactly.
/// </summary>
public sealed class SiameseTrainer
{
    private readonly EmbeddingNetwork network;
    private readonly string runDirectory;
    private readonly LiveRunState<SiameseRunState, SiameseEpochRecord> state;

    /// <summary>The model file's name in a run folder.</summary>
    public const string ModelFileName = RunFolder.ModelFileName;

    /// <summary>The optimiser state file's name in a run folder.</summary>
    public const string OptimizerFileName = RunFolder.OptimizerFileName;

    /// <summary>Creates a trainer for a fresh or resumed run.</summary>
    public SiameseTrainer(EmbeddingNetwork network, SiameseRunState state, string runDirectory)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(runDirectory);
        Validate(state.Options);
        if (state.Options.Objective == SiameseObjective.SimSiam && !network.HasPredictor)
        {
            throw new ArgumentException("SimSiam needs a network with the SimSiam head (projector and predictor).", nameof(network));
        }
        this.network = network;
        this.state = new LiveRunState<SiameseRunState, SiameseEpochRecord>(state);
        this.runDirectory = runDirectory;
    }

    // Options that are out of range fail here, before a model is trained on them (a NaN rate trains NaN weights).
    private static void Validate(SiameseTrainingOptions options)
    {
        TrainingChecks.Positive(options.Epochs);
        TrainingChecks.NonNegative(options.MaxMinutes);
        TrainingChecks.Positive(options.BatchSize);
        TrainingChecks.Positive(options.ClassesPerBatch);
        TrainingChecks.Positive(options.ImagesPerClass);
        TrainingChecks.NonNegative(options.Margin);
        TrainingChecks.Positive(options.Temperature);
        TrainingChecks.Positive(options.LearningRate);
        TrainingChecks.NonNegative(options.WeightDecay);
        TrainingChecks.SgdMomentum(options.Optimizer, options.Momentum, options.Nesterov);
        TrainingChecks.InRange(options.WarmupFraction, 0, 1);
        TrainingChecks.NonNegative(options.GradientClip);
    }

    /// <summary>The current state (after the last batch while <see cref="Run"/> trains).</summary>
    public SiameseRunState State => state.Current;

    /// <summary>Called after every batch.</summary>
    public Action<SiameseProgress>? OnProgress { get; set; }

    /// <summary>Called after every epoch.</summary>
    public Action<SiameseEpochRecord>? OnEpoch { get; set; }

    /// <summary>Loads a run folder's weights into <paramref name="network"/>.</summary>
    /// <exception cref="FileNotFoundException">No weights in the folder.</exception>
    /// <exception cref="ArgumentException">The weights do not fit the network (names or shapes differ).</exception>
    public static void LoadWeights(EmbeddingNetwork network, string runDirectory) => RunFolder.LoadWeights(network, runDirectory);

    /// <summary>Runs (or resumes) training on <paramref name="train"/> until done, out of time or cancelled; saves the state in every case.</summary>
    public TrainingOutcome Run(ImageDataset train, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        var start = state.Current;
        var options = start.Options;
        var optimizer = new Optimizer(network, options.ToOptimizerOptions());
        var augmentation = new ViewAugmentation(options.Augmentation ?? SiameseTrainingOptions.DefaultAugmentation(options.Objective), start.Mean, start.Std);
        var batches = BatchPlan.Create(train, start.TrainClasses, options);
        long totalSteps = (long)batches.BatchesPerEpoch * options.Epochs;
        var schedule = new CosineSchedule(options.LearningRate, 0, Math.Max(1, (long)(options.WarmupFraction * totalSteps)), totalSteps);
        var loop = new TrainingLoop<SiameseRunState, SiameseEpochRecord>(start)
        {
            Seed = options.Seed,
            Epochs = options.Epochs,
            GradientClip = options.GradientClip,
            MaxMinutes = options.MaxMinutes,
            Layout = SiameseRunState.SumLayout,
            Optimizer = optimizer,
            LearningRate = schedule.Rate,
            Modules = [network],
            Resume = () => RunFolder.Resume(network, optimizer, runDirectory),
            Save = saved => RunFolder.Save(runDirectory, network, new Dictionary<string, string> { ["encoder"] = saved.Network.Encoder, ["format"] = "pt" },
                optimizer, saved.Save),
            EndEpoch = (current, epoch) => current with
            {
                History = [.. current.History, new SiameseEpochRecord(epoch.Epoch, epoch.Sums.MeanLoss, epoch.Sums.Seconds,
                    epoch.Sums.ExamplesPerSecond, epoch.LearningRate, epoch.Sums.Metrics[0] / Math.Max(epoch.Sums.Metrics[1], 1))],
            },
            BatchDone = batch => OnProgress?.Invoke(new SiameseProgress(batch.Epoch, options.Epochs, batch.Batch, batch.Batches,
                batch.Sums.LossSum / batch.Sums.Examples, batch.Sums.ExamplesPerSecond, batch.Metrics[0])),
            EpochSaved = saved => OnEpoch?.Invoke(saved.History[^1]),
        };
        return state.Run(loop, new SiameseStep(this, train, augmentation, batches), cancellationToken);
    }

    /// <summary>One batch's loss and the embeddings to monitor.</summary>
    private (Tensor Loss, Tensor Embeddings) Step(Tensor images, int[] indices, ImageDataset train, ViewAugmentation augmentation, long seed)
    {
        var options = state.Current.Options;
        switch (options.Objective)
        {
            case SiameseObjective.Contrastive:
            case SiameseObjective.Triplet:
            case SiameseObjective.SupervisedContrastive:
            case SiameseObjective.MultiSimilarity:
            {
                var labels = tensor(indices.Select(i => (long)train.Labels[i]).ToArray());
                var embeddings = network.call(augmentation.Apply(images, seed));
                return (options.LabelledLoss().Compute(embeddings, labels), embeddings);
            }
            case SiameseObjective.SimSiam:
            {
                var (first, second) = augmentation.TwoViews(images, seed);
                var z = network.Project(network.Features(cat([first, second], 0)));
                var p = network.Predict(z);
                var zs = z.chunk(2, 0);
                var ps = p.chunk(2, 0);
                return (new SimSiamLoss(options.StopGradient).Compute(ps[0], ps[1], zs[0], zs[1]), zs[0]);
            }
            default:
            {
                var (first, second) = augmentation.TwoViews(images, seed);
                var z = network.Project(network.Features(cat([first, second], 0))).chunk(2, 0);
                var loss = options.Objective == SiameseObjective.NTXent
                    ? new NTXentLoss(options.Temperature).Compute(z[0], z[1])
                    : InfoNceLoss.Compute(z[0], z[1], 1.0 / options.Temperature);
                return (loss, z[0]);
            }
        }
    }

    /// <summary>SimSiam's collapse statistic: the mean over dimensions of the std of the L2-normalised rows.</summary>
    internal static double NormalizedStd(Tensor embeddings)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var normalised = nn.functional.normalize(embeddings.detach(), p: 2, dim: 1, eps: 1e-12);
        return normalised.std(0).mean().item<float>();
    }

    /// <summary>
    /// A Siamese batch: the images of its indices, the objective's loss (<see cref="Step"/>), and the collapse statistic
    /// and a batch count summed beside it.
    /// </summary>
    private sealed class SiameseStep(SiameseTrainer trainer, ImageDataset train, ViewAugmentation augmentation, BatchPlan plan) : ITrainingStep<int[]>
    {
        public int BatchesPerEpoch => plan.BatchesPerEpoch;

        public IEnumerable<int[]> Batches(int epoch, int firstBatch, CancellationToken cancellationToken) => plan.Epoch(epoch).Skip(firstBatch);

        public BatchLoss Compute(int[] indices, int epoch, int batchIndex, long seed)
        {
            var images = ViewAugmentation.ToUnitTensor(train, indices);
            var (loss, embeddings) = trainer.Step(images, indices, train, augmentation, seed);
            return new BatchLoss(loss, indices.Length, [NormalizedStd(embeddings), 1]);
        }
    }

    /// <summary>The batches of a run: class-balanced for supervised objectives, shuffled passes otherwise.</summary>
    private sealed class BatchPlan
    {
        private readonly Func<int, IReadOnlyList<int[]>> epoch;

        private BatchPlan(int batchesPerEpoch, Func<int, IReadOnlyList<int[]>> epoch)
        {
            BatchesPerEpoch = batchesPerEpoch;
            this.epoch = epoch;
        }

        public int BatchesPerEpoch { get; }

        public IReadOnlyList<int[]> Epoch(int index) => epoch(index);

        public static BatchPlan Create(ImageDataset train, IReadOnlyList<int>? classes, SiameseTrainingOptions options)
        {
            var allowed = classes?.ToHashSet();
            if (options.Objective.IsSupervised())
            {
                int available = allowed?.Count ?? train.ClassNames.Count;
                var sampler = new MPerClassSampler(train.Labels, Math.Min(options.ClassesPerBatch, available), options.ImagesPerClass, options.Seed, allowed);
                return new BatchPlan(sampler.BatchesPerEpoch, sampler.Epoch);
            }
            int[] pool = Enumerable.Range(0, train.Count).Where(i => allowed is null || allowed.Contains(train.Labels[i])).ToArray();
            if (pool.Length < 2)
            {
                throw new ArgumentException($"Only {pool.Length} training images are left after the class filter.", nameof(classes));
            }
            int batchSize = Math.Min(options.BatchSize, pool.Length);
            // Full batches only: BatchNorm and the in-batch negatives want equal batch sizes.
            int perEpoch = Math.Max(1, pool.Length / batchSize);
            return new BatchPlan(perEpoch, e =>
            {
                int[] order = (int[])pool.Clone();
                new Random(Seeds.Mix(options.Seed, e, -1)).Shuffle(order);
                return Enumerable.Range(0, perEpoch).Select(b => order.AsSpan(b * batchSize, batchSize).ToArray()).ToList();
            });
        }
    }
}
