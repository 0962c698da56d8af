namespace Manabi.Torch.Training;

/// <summary>
/// A trainer's run state: the one it was built with, or where its last run ended, and while a run trains that run's
/// state as of its last batch, so that a progress callback or another thread reads the current one.
/// </summary>
internal sealed class LiveRunState<TState, TEpochRecord>
    where TState : RunState<TEpochRecord>
{
    private TState settled;
    private TrainingLoop<TState, TEpochRecord>? running;

    /// <summary>Starts at <paramref name="state"/>: a new run's, or the one a stopped run saved.</summary>
    public LiveRunState(TState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        settled = state;
    }

    /// <summary>The current state.</summary>
    public TState Current => running?.State ?? settled;

    /// <summary>Runs <paramref name="loop"/> (created at <see cref="Current"/>) and keeps its state however it ends.</summary>
    public TrainingOutcome Run<TBatch>(TrainingLoop<TState, TEpochRecord> loop, ITrainingStep<TBatch> step, CancellationToken cancellationToken)
    {
        running = loop;
        try
        {
            return loop.Run(step, cancellationToken);
        }
        finally
        {
            settled = loop.State;
            running = null;
        }
    }
}
