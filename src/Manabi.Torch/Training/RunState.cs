namespace Manabi.Torch.Training;

/// <summary>
/// Where a training run stands, the part of its JSON state that every trainer keeps the same way: finished epochs,
/// the next batch, optimiser steps, examples trained on, the sums of the unfinished epoch, time spent, whether it is
/// done, and one record per finished epoch. A trainer's state derives from it and adds what it trains and with which
/// settings; the properties keep their names in <c>state.json</c> (<c>epoch</c>, <c>batch</c>, <c>step</c>,
/// <c>partial_epoch</c>, <c>elapsed_seconds</c>, <c>finished</c>, <c>history</c>; <c>examples_trained</c> is newer),
/// so run folders written before it existed still load.
/// </summary>
/// <typeparam name="TEpochRecord">The record a trainer keeps for each finished epoch.</typeparam>
public abstract record RunState<TEpochRecord>
{
    /// <summary>Completed epochs.</summary>
    public int Epoch { get; init; }

    /// <summary>The next batch of the current (incomplete) epoch; 0 at an epoch boundary.</summary>
    public int Batch { get; init; }

    /// <summary>Optimiser steps taken.</summary>
    public long Step { get; init; }

    /// <summary>
    /// Examples trained on so far over all sessions, as the trainer counts them (an image counts once however many
    /// views it gives). What to report when a run stops inside an epoch, where whole epochs say nothing; batches are not
    /// always full (the last of an epoch, a sampler short of classes), so steps × batch size would overstate it. Run
    /// folders written before it existed load with 0 here and count on from there.
    /// </summary>
    public long ExamplesTrained { get; init; }

    /// <summary>
    /// Sums over the current epoch's finished batches (the loss times the examples, the examples, the seconds, and
    /// the trainer's own figures), in the order the trainer's state documents; all 0 at an epoch boundary.
    /// </summary>
    public double[] PartialEpoch { get; init; } = [];

    /// <summary>Training wall time so far over all sessions, in seconds.</summary>
    public double ElapsedSeconds { get; init; }

    /// <summary>True when all epochs are done.</summary>
    public bool Finished { get; init; }

    /// <summary>The finished epochs.</summary>
    public IReadOnlyList<TEpochRecord> History { get; init; } = [];
}
