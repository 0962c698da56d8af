using Manabi.Torch.Data;
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Torch.Training;

/// <summary>Where the loop stands after a batch.</summary>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Step">Optimiser steps taken, this one included.</param>
/// <param name="Loss">This batch's loss.</param>
/// <param name="LearningRate">The learning rate this batch was trained at.</param>
/// <param name="Sums">The epoch's sums so far, this batch included.</param>
/// <param name="Metrics">This batch's own figures (see <see cref="BatchLoss.Metrics"/>).</param>
internal readonly record struct BatchReport(int Epoch, int Batch, int Batches, long Step, double Loss, double LearningRate, EpochSums Sums, double[] Metrics);

/// <summary>A finished epoch, as the loop hands it to the trainer to record.</summary>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="Sums">The epoch's sums (its seconds are the training time, evaluation excluded).</param>
/// <param name="LearningRate">The learning rate of its last batch.</param>
internal readonly record struct EpochSummary(int Epoch, EpochSums Sums, double LearningRate);

/// <summary>
/// The epoch and batch loop every trainer runs. Each batch: torch's generator seeded from (seed, epoch, batch), the
/// learning rate of the step, gradients cleared, the <see cref="ITrainingStep{TBatch}"/>'s loss, refused when not
/// finite (before the update, so no NaN weights are ever saved), backward, the gradient norm clipped, the update.
/// Then the epoch's sums go into the state, so that a run stopped by its time budget or cancellation saves where it
/// is and a new session resumes it exactly (same batches, same seeds, same sums); each finished epoch is recorded by
/// the trainer, the state saved, and the budget checked again.
/// </summary>
/// <typeparam name="TState">The trainer's run state.</typeparam>
/// <typeparam name="TEpochRecord">The trainer's record of a finished epoch.</typeparam>
internal sealed class TrainingLoop<TState, TEpochRecord>
    where TState : RunState<TEpochRecord>
{
    /// <summary>Creates the loop at <paramref name="state"/>: a new run's, or the one a stopped run saved.</summary>
    public TrainingLoop(TState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        State = state;
    }

    /// <summary>The run's state, updated after every batch and epoch.</summary>
    public TState State { get; private set; }

    /// <summary>The run's seed, from which each batch's is derived.</summary>
    public required int Seed { get; init; }

    /// <summary>Epochs to train in all.</summary>
    public required int Epochs { get; init; }

    /// <summary>Where the state's <see cref="RunState{TEpochRecord}.PartialEpoch"/> keeps the epoch's sums.</summary>
    public required PartialEpochLayout Layout { get; init; }

    /// <summary>The optimiser.</summary>
    public required ITrainingOptimizer Optimizer { get; init; }

    /// <summary>The learning rate of a 0-based optimiser step.</summary>
    public required Func<long, double> LearningRate { get; init; }

    /// <summary>Saves the run so that it can resume from <see cref="State"/>.</summary>
    public required Action<TState> Save { get; init; }

    /// <summary>
    /// Records a finished epoch: the state with the epoch's record added to its history (and anything else the
    /// trainer keeps, such as an evaluation). The loop then moves the state to the next epoch and saves it.
    /// </summary>
    public required Func<TState, EpochSummary, TState> EndEpoch { get; init; }

    /// <summary>Loads the weights and optimiser state of a run that has started; called first when it has.</summary>
    public Action? Resume { get; init; }

    /// <summary>The global gradient norm is clipped to this; 0 for no clipping.</summary>
    public double GradientClip { get; init; }

    /// <summary>The time budget in minutes, resumed sessions included; 0 for none.</summary>
    public double MaxMinutes { get; init; }

    /// <summary>Put in training mode at the start of each epoch (an evaluation between epochs leaves them in eval mode).</summary>
    public IReadOnlyList<nn.Module> Modules { get; init; } = [];

    /// <summary>Whether each finished epoch is saved; a run that saves on its own schedule turns it off.</summary>
    public bool SaveEachEpoch { get; init; } = true;

    /// <summary>Called after every batch.</summary>
    public Action<BatchReport>? BatchDone { get; init; }

    /// <summary>Called after every epoch, once it is recorded and saved.</summary>
    public Action<TState>? EpochSaved { get; init; }

    /// <summary>
    /// Trains from <see cref="State"/> until every epoch is done, the time budget is spent or
    /// <paramref name="cancellationToken"/> is cancelled; a stopped run is saved before this returns.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A loss was NaN or infinite; the weights were not updated with it.</exception>
    public TrainingOutcome Run<TBatch>(ITrainingStep<TBatch> step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (Resume is not null && (State.Step > 0 || State.Epoch > 0 || State.Batch > 0))
        {
            Resume();
        }
        int batches = step.BatchesPerEpoch;
        var clock = Stopwatch.StartNew();
        double startElapsed = State.ElapsedSeconds;

        for (int epoch = State.Epoch; epoch < Epochs; epoch++)
        {
            var resumed = Layout.Read(State.PartialEpoch);
            double lossSum = resumed.LossSum, examples = resumed.Examples;
            double[] metrics = resumed.Metrics;
            var epochClock = Stopwatch.StartNew();
            double rate = LearningRate(State.Step);
            foreach (var module in Modules)
            {
                module.train();
            }
            foreach (var batch in step.Batches(epoch, State.Batch, cancellationToken))
            {
                using var owned = batch as IDisposable;
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                int index = State.Batch;
                double loss;
                double[] batchMetrics;
                int batchExamples;
                using (var scope = NewDisposeScope())
                {
                    long seed = Seeds.Mix(Seed, epoch, index);
                    manual_seed(seed + 1);
                    rate = LearningRate(State.Step);
                    Optimizer.ZeroGrad();
                    var result = step.Compute(batch, epoch, index, seed);
                    // Checked before the update: a NaN loss would make every weight NaN, and the run's next save keep them.
                    loss = result.Loss.item<float>();
                    TrainingDivergedException.ThrowIfNotFinite(loss, State.Step + 1, epoch + 1);
                    result.Loss.backward();
                    if (GradientClip > 0)
                    {
                        nn.utils.clip_grad_norm_(Optimizer.Parameters, GradientClip);
                    }
                    Optimizer.Step(rate);
                    step.AfterUpdate();
                    batchMetrics = result.Metrics ?? [];
                    batchExamples = result.Examples;
                }
                if (batchMetrics.Length != metrics.Length)
                {
                    throw new InvalidOperationException($"the training step reported {batchMetrics.Length} figures, the run's layout keeps {metrics.Length}.");
                }
                lossSum += loss * batchExamples;
                examples += batchExamples;
                for (int i = 0; i < metrics.Length; i++)
                {
                    metrics[i] += batchMetrics[i];
                }
                var sums = new EpochSums(lossSum, examples, resumed.Seconds + epochClock.Elapsed.TotalSeconds, [.. metrics]);
                State = Updated(core => core with
                {
                    Batch = index + 1,
                    Step = core.Step + 1,
                    ExamplesTrained = core.ExamplesTrained + batchExamples,
                    PartialEpoch = Layout.Write(sums),
                    ElapsedSeconds = startElapsed + clock.Elapsed.TotalSeconds,
                });
                BatchDone?.Invoke(new BatchReport(epoch + 1, index + 1, batches, State.Step, loss, rate, sums, batchMetrics));
                if (RunBudget.StopReason(MaxMinutes, State.ElapsedSeconds, cancellationToken) is { } stop && State.Batch < batches)
                {
                    Save(State);
                    return stop;
                }
            }
            if (State.Batch < batches)
            {
                // Only cancellation ends an epoch's batches early (a loader stops preparing them).
                if (!cancellationToken.IsCancellationRequested)
                {
                    throw new InvalidOperationException($"the batches of epoch {epoch + 1} ended after {State.Batch} of {batches}.");
                }
                Save(State);
                return TrainingOutcome.Cancelled;
            }
            var summary = new EpochSummary(epoch + 1, new EpochSums(lossSum, examples, resumed.Seconds + epochClock.Elapsed.TotalSeconds, metrics), rate);
            State = EndEpoch(State, summary);
            State = Updated(core => core with
            {
                Epoch = epoch + 1,
                Batch = 0,
                PartialEpoch = Layout.Empty,
                Finished = epoch + 1 == Epochs,
                ElapsedSeconds = startElapsed + clock.Elapsed.TotalSeconds,
            });
            if (SaveEachEpoch)
            {
                Save(State);
            }
            EpochSaved?.Invoke(State);
            if (State.Finished)
            {
                break;
            }
            if (RunBudget.StopReason(MaxMinutes, State.ElapsedSeconds, cancellationToken) is { } stopAfterEpoch)
            {
                return stopAfterEpoch;
            }
        }
        if (!State.Finished)
        {
            State = Updated(core => core with { Finished = true });
            Save(State);
        }
        return TrainingOutcome.Finished;
    }

    // A record's `with` keeps its runtime type, so the core's fields change on the trainer's own state.
    private TState Updated(Func<RunState<TEpochRecord>, RunState<TEpochRecord>> change) => (TState)change(State);
}
