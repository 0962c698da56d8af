using Manabi.Torch.Data;
using Manabi.Torch.Training;
using Manabi.Torch.Weights;
using Manabi.Vision.Data;
using Manabi.Vision.Models;
using System.Diagnostics;
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
    private TrainingState state;

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
        this.state = state;
        this.runDirectory = runDirectory;
    }

    /// <summary>The current state.</summary>
    public TrainingState State => state;

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
        var options = state.Options;
        var optimizer = new Optimizer(model, options);
        using var average = options.EmaDecay > 0 ? new WeightAverage(model, options.EmaDecay) : null;
        if (state.Step > 0 || state.Epoch > 0 || state.Batch > 0)
        {
            RunFolder.Resume(model, optimizer, runDirectory, average);
        }
        var augmentation = new Augmentation(state.Mean, state.Std, options.CropPadding, options.HorizontalFlip,
            options.RandomErasingProbability, options.TrivialAugment);
        var loader = new BatchLoader(train, options.BatchSize, augmentation, shuffle: true, options.Seed);
        long totalSteps = (long)loader.BatchesPerEpoch * options.Epochs;
        // Warm-up is capped at a fifth of the run: a one-epoch run with the default one-epoch warm-up would
        // otherwise never decay its learning rate.
        long warmupSteps = Math.Clamp((long)Math.Round(options.WarmupEpochs * loader.BatchesPerEpoch), 1, Math.Max(1, totalSteps / 5));
        var schedule = new CosineSchedule(options.LearningRate, options.MinLearningRate, warmupSteps, totalSteps);
        var clock = Stopwatch.StartNew();
        double startElapsed = state.ElapsedSeconds;

        for (int epoch = state.Epoch; epoch < options.Epochs; epoch++)
        {
            double lossSum = state.PartialEpoch[0], correct = state.PartialEpoch[1], seen = state.PartialEpoch[2], epochSeconds = state.PartialEpoch[3];
            var epochClock = Stopwatch.StartNew();
            model.train();
            double rate = schedule.Rate(state.Step);
            foreach (var batch in loader.Epoch(epoch, state.Batch, cancellationToken))
            {
                using var owned = batch;
                using (var scope = NewDisposeScope())
                {
                    manual_seed(Seeds.Mix(options.Seed, epoch, batch.Index) + 1L);
                    rate = schedule.Rate(state.Step);
                    optimizer.ZeroGrad();
                    Tensor logits, loss;
                    // Its own seed (the +2 stream), so that mixing draws the same boxes and weights after a resume.
                    var mixed = BatchMixing.Mix(batch.Images, batch.Labels, options.MixupAlpha, options.CutmixAlpha,
                        Seeds.Mix(options.Seed, epoch, batch.Index) + 2);
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
                    // Checked before the step: a NaN loss would make every weight NaN, and the run's next save keep them.
                    double lossValue = loss.item<float>();
                    TrainingDivergedException.ThrowIfNotFinite(lossValue, state.Step + 1, epoch + 1);
                    loss.backward();
                    if (options.GradientClip > 0)
                    {
                        nn.utils.clip_grad_norm_(optimizer.Parameters, options.GradientClip);
                    }
                    optimizer.Step(rate);
                    average?.Update(model);
                    long n = batch.Labels.shape[0];
                    lossSum += lossValue * n;
                    correct += logits.argmax(1).eq(batch.Labels).sum().item<long>();
                    seen += n;
                }
                double seconds = epochSeconds + epochClock.Elapsed.TotalSeconds;
                state = state with
                {
                    Batch = batch.Index + 1,
                    Step = state.Step + 1,
                    PartialEpoch = [lossSum, correct, seen, epochSeconds],
                    ElapsedSeconds = startElapsed + clock.Elapsed.TotalSeconds,
                };
                OnProgress?.Invoke(new TrainingProgress(epoch + 1, options.Epochs, batch.Index + 1, loader.BatchesPerEpoch,
                    lossSum / seen, correct / seen, seen / Math.Max(seconds, 1e-9), rate));

                if (RunBudget.StopReason(options.MaxMinutes, state.ElapsedSeconds, cancellationToken) is { } stop && state.Batch < loader.BatchesPerEpoch)
                {
                    state = state with { PartialEpoch = [lossSum, correct, seen, seconds] };
                    Save(optimizer, average);
                    return stop;
                }
            }
            if (cancellationToken.IsCancellationRequested && state.Batch < loader.BatchesPerEpoch)
            {
                Save(optimizer, average);
                return TrainingOutcome.Cancelled;
            }
            double trainSeconds = epochSeconds + epochClock.Elapsed.TotalSeconds;
            EvaluationResult? evaluation = options.EvaluateEachEpoch && test is not null
                ? EvaluateWith(average, () => Evaluator.Evaluate(model, test, augmentation, flipAverage: options.TestTimeFlip))
                : null;
            var record = new EpochRecord(epoch + 1, lossSum / Math.Max(seen, 1), correct / Math.Max(seen, 1), evaluation?.Accuracy,
                trainSeconds, seen / Math.Max(trainSeconds, 1e-9), rate);
            state = state with
            {
                Epoch = epoch + 1,
                Batch = 0,
                PartialEpoch = [0, 0, 0, 0],
                History = [.. state.History, record],
                LastEvaluation = evaluation ?? state.LastEvaluation,
                Finished = epoch + 1 == options.Epochs,
                ElapsedSeconds = startElapsed + clock.Elapsed.TotalSeconds,
            };
            Save(optimizer, average);
            OnEpoch?.Invoke(record);
            if (state.Finished)
            {
                break;
            }
            if (RunBudget.StopReason(options.MaxMinutes, state.ElapsedSeconds, cancellationToken) is { } stopAfterEpoch)
            {
                return stopAfterEpoch;
            }
        }
        if (!state.Finished)
        {
            state = state with { Finished = true };
            Save(optimizer, average);
        }
        return TrainingOutcome.Finished;
    }

    // Options that are out of range fail here, before a model is trained on them (a NaN rate trains NaN weights).
    private static void Validate(TrainingOptions options)
    {
        TrainingChecks.Positive(options.Epochs);
        TrainingChecks.Positive(options.BatchSize);
        TrainingChecks.Positive(options.LearningRate);
        TrainingChecks.NonNegative(options.MinLearningRate);
        TrainingChecks.NonNegative(options.WeightDecay);
        TrainingChecks.InRange(options.Momentum, 0, 1);
        TrainingChecks.NonNegative(options.WarmupEpochs);
        TrainingChecks.InRange(options.LabelSmoothing, 0, 1);
        TrainingChecks.NonNegative(options.GradientClip);
        TrainingChecks.NonNegative(options.MaxMinutes);
        TrainingChecks.NonNegative(options.CropPadding);
        TrainingChecks.NonNegative(options.MixupAlpha);
        TrainingChecks.NonNegative(options.CutmixAlpha);
        TrainingChecks.InRange(options.RandomErasingProbability, 0, 1);
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

    private void Save(Optimizer optimizer, WeightAverage? average) =>
        RunFolder.Save(runDirectory, model, new Dictionary<string, string> { ["model"] = state.Model, ["format"] = "pt" }, optimizer, state.Save, average);
}
