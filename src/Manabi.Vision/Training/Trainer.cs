using Manabi.Torch.Data;
using Manabi.Torch.Training;
using Manabi.Torch.Weights;
using Manabi.Vision.Data;
using Manabi.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Vision.Training;

/// <summary>Where a training run stands after a batch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Mean loss so far this epoch.</param>
/// <param name="Accuracy">Training accuracy so far this epoch.</param>
/// <param name="ImagesPerSecond">Throughput this epoch.</param>
/// <param name="LearningRate">The current learning rate.</param>
public readonly record struct TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double Accuracy, double ImagesPerSecond, double LearningRate);

/// <summary>
/// Trains a vision classifier, checkpointing into a run folder (<c>model.safetensors</c>,
/// <c>optimizer.safetensors</c>, <c>state.json</c>). Restarting on the same folder resumes exactly: the data
/// order, augmentation and dropout are functions of (seed, epoch, batch), and the optimiser state is saved.
/// An <see cref="AttentionBranchNetwork"/> is trained with the sum of its two cross-entropies.
/// </summary>
public sealed class Trainer
{
    private readonly nn.Module<Tensor, Tensor> model;
    private readonly string runDirectory;
    private readonly LiveRunState<TrainingState, EpochRecord> state;

    /// <summary>Creates a trainer for a fresh or resumed run.</summary>
    /// <param name="model">The model, freshly created; its weights are loaded when the run is resumed.</param>
    /// <param name="state">The run's state: a new one, or the one loaded from <paramref name="runDirectory"/>.</param>
    /// <param name="runDirectory">The run folder.</param>
    public Trainer(nn.Module<Tensor, Tensor> model, TrainingState state, string runDirectory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(runDirectory);
        Validate(state.Options);
        this.model = model;
        this.state = new LiveRunState<TrainingState, EpochRecord>(state);
        this.runDirectory = runDirectory;
    }

    /// <summary>The current state (after the last batch while <see cref="Run"/> trains).</summary>
    public TrainingState State => state.Current;

    /// <summary>Called after every batch.</summary>
    public Action<TrainingProgress>? OnProgress { get; set; }

    /// <summary>Called after every epoch.</summary>
    public Action<EpochRecord>? OnEpoch { get; set; }

    /// <summary>Loads the weights a run folder is evaluated with: its weight average when it trained one (<see cref="TrainingOptions.EmaDecay"/>), else its weights.</summary>
    public static void LoadWeights(nn.Module model, string runDirectory) => RunFolder.LoadEvaluationWeights(model, runDirectory);

    /// <summary>Runs (or resumes) training until done, out of time or cancelled; saves the state in every case.</summary>
    public TrainingOutcome Run(ImageDataset train, ImageDataset? test, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        var start = state.Current;
        var options = start.Options;
        var optimizer = new Optimizer(model, options);
        using var average = options.EmaDecay > 0 ? new WeightAverage(model, options.EmaDecay) : null;
        var augmentation = new Augmentation(start.Mean, start.Std, options.CropPadding, options.HorizontalFlip,
            options.RandomErasingProbability, options.TrivialAugment);
        var loader = new BatchLoader(train, options.BatchSize, augmentation, shuffle: true, options.Seed);
        long totalSteps = (long)loader.BatchesPerEpoch * options.Epochs;
        // Warm-up is capped at a fifth of the run: a one-epoch run with the default one-epoch warm-up would
        // otherwise never decay its learning rate.
        long warmupSteps = Math.Clamp((long)Math.Round(options.WarmupEpochs * loader.BatchesPerEpoch), 1, Math.Max(1, totalSteps / 5));
        var schedule = new CosineSchedule(options.LearningRate, options.MinLearningRate, warmupSteps, totalSteps);
        var loop = new TrainingLoop<TrainingState, EpochRecord>(start)
        {
            Seed = options.Seed,
            Epochs = options.Epochs,
            GradientClip = options.GradientClip,
            MaxMinutes = options.MaxMinutes,
            Layout = TrainingState.SumLayout,
            Optimizer = optimizer,
            LearningRate = schedule.Rate,
            Modules = [model],
            Resume = () => RunFolder.Resume(model, optimizer, runDirectory, average),
            Save = saved => RunFolder.Save(runDirectory, model, new Dictionary<string, string> { ["model"] = saved.Model, ["format"] = "pt" },
                optimizer, saved.Save, average),
            EndEpoch = (current, epoch) =>
            {
                EvaluationResult? evaluation = options.EvaluateEachEpoch && test is not null
                    ? EvaluateWith(average, () => Evaluator.Evaluate(model, test, augmentation, testTimeAugmentation: options.TestTimeAugmentation))
                    : null;
                var record = new EpochRecord(epoch.Epoch, epoch.Sums.MeanLoss, epoch.Sums.Metrics[0] / Math.Max(epoch.Sums.Examples, 1),
                    evaluation?.Accuracy, epoch.Sums.Seconds, epoch.Sums.ExamplesPerSecond, epoch.LearningRate);
                return current with { History = [.. current.History, record], LastEvaluation = evaluation ?? current.LastEvaluation };
            },
            BatchDone = batch => OnProgress?.Invoke(new TrainingProgress(batch.Epoch, options.Epochs, batch.Batch, batch.Batches,
                batch.Sums.LossSum / batch.Sums.Examples, batch.Sums.Metrics[0] / batch.Sums.Examples, batch.Sums.ExamplesPerSecond, batch.LearningRate)),
            EpochSaved = saved => OnEpoch?.Invoke(saved.History[^1]),
        };
        return state.Run(loop, new ClassifierStep(model, loader, average, options), cancellationToken);
    }

    // Options that are out of range fail here, before a model is trained on them (a NaN rate trains NaN weights).
    private static void Validate(TrainingOptions options)
    {
        TrainingChecks.Positive(options.Epochs);
        TrainingChecks.Positive(options.BatchSize);
        TrainingChecks.Positive(options.LearningRate);
        TrainingChecks.NonNegative(options.MinLearningRate);
        TrainingChecks.NonNegative(options.WeightDecay);
        TrainingChecks.SgdMomentum(options.Optimizer, options.Momentum, options.Nesterov);
        TrainingChecks.NonNegative(options.WarmupEpochs);
        TrainingChecks.InRange(options.LabelSmoothing, 0, 1);
        TrainingChecks.NonNegative(options.GradientClip);
        TrainingChecks.NonNegative(options.MaxMinutes);
        TrainingChecks.NonNegative(options.CropPadding);
        TrainingChecks.NonNegative(options.MixupAlpha);
        TrainingChecks.NonNegative(options.CutmixAlpha);
        TrainingChecks.InRange(options.RandomErasingProbability, 0, 1);
        if (!Enum.IsDefined(options.TestTimeAugmentation))
        {
            throw new ArgumentOutOfRangeException("options.TestTimeAugmentation", options.TestTimeAugmentation,
                $"options.TestTimeAugmentation must be None, Flip or FlipAndTranslate, got {options.TestTimeAugmentation}.");
        }
        if (!(double.IsFinite(options.EmaDecay) && options.EmaDecay >= 0 && options.EmaDecay < 1))
        {
            throw new ArgumentOutOfRangeException("options.EmaDecay", options.EmaDecay,
                $"options.EmaDecay must be 0 (no weight average) or a number in (0, 1) such as 0.999, got {options.EmaDecay}.");
        }
    }

    // The weight average, when kept, is what the run is evaluated with: swapped in for the evaluation, then back.
    private T EvaluateWith<T>(WeightAverage? average, Func<T> evaluate)
    {
        average?.Swap(model);
        try
        {
            return evaluate();
        }
        finally
        {
            average?.Swap(model);
        }
    }

    /// <summary>
    /// A classifier's batch: cross-entropy of the (optionally mixed) batch, or an ABN's two cross-entropies; the
    /// correct predictions are summed beside the loss.
    /// </summary>
    private sealed class ClassifierStep(nn.Module<Tensor, Tensor> model, BatchLoader loader, WeightAverage? average, TrainingOptions options)
        : ITrainingStep<Batch>
    {
        public int BatchesPerEpoch => loader.BatchesPerEpoch;

        public IEnumerable<Batch> Batches(int epoch, int firstBatch, CancellationToken cancellationToken) =>
            loader.Epoch(epoch, firstBatch, cancellationToken);

        public BatchLoss Compute(Batch batch, int epoch, int batchIndex, long seed)
        {
            Tensor logits, loss;
            // Its own seed (the +2 stream), so that mixing draws the same boxes and weights after a resume.
            var mixed = BatchMixing.Mix(batch.Images, batch.Labels, options.MixupAlpha, options.CutmixAlpha, unchecked((int)seed + 2));
            if (model is AttentionBranchNetwork abn)
            {
                var output = abn.ForwardAll(mixed.Images);
                logits = output.PerceptionLogits;
                loss = mixed.Loss(labels => AttentionBranchNetwork.Loss(output, labels, options.LabelSmoothing));
            }
            else
            {
                logits = model.call(mixed.Images);
                loss = mixed.Loss(labels => nn.functional.cross_entropy(logits, labels, label_smoothing: options.LabelSmoothing));
            }
            long correct = logits.argmax(1).eq(batch.Labels).sum().item<long>();
            return new BatchLoss(loss, (int)batch.Labels.shape[0], [correct]);
        }

        public void AfterUpdate() => average?.Update(model);
    }
}
