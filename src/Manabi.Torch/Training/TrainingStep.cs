using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.Torch.Training;

/// <summary>One batch's loss, and what the epoch sums beside it.</summary>
/// <param name="Loss">The scalar loss to minimise.</param>
/// <param name="Examples">How many examples the batch holds (the loss's weight in the epoch's mean).</param>
/// <param name="Metrics">The trainer's own figures of the batch, summed over the epoch; null for none.</param>
internal readonly record struct BatchLoss(Tensor Loss, int Examples, double[]? Metrics = null);

/// <summary>
/// What one kind of run gives the <see cref="TrainingLoop{TState, TEpochRecord}"/>: its batches, and the loss of
/// each. The loop does everything around it (seeding, the learning rate, the divergence check, backward,
/// clipping, the update, the sums, the budget and the saves), the same way for every trainer.
/// </summary>
/// <typeparam name="TBatch">A batch as the trainer's data gives it (disposed after its step when disposable).</typeparam>
internal interface ITrainingStep<TBatch>
{
    /// <summary>Batches per epoch.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>
    /// The batches of 0-based <paramref name="epoch"/> from <paramref name="firstBatch"/> on. They must be a function of
    /// the run's seed and the epoch, so that a resumed epoch sees the batches an uninterrupted one would; the
    /// enumeration may end early once <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    IEnumerable<TBatch> Batches(int epoch, int firstBatch, CancellationToken cancellationToken);

    /// <summary>
    /// The loss of <paramref name="batch"/>, batch <paramref name="batchIndex"/> of 0-based <paramref name="epoch"/>.
    /// Runs in a dispose scope, with the gradients cleared and torch's generator seeded with <paramref name="seed"/> + 1;
    /// <paramref name="seed"/> is the batch's own (from the run's seed, the epoch and the batch), for draws that must
    /// repeat after a resume.
    /// </summary>
    BatchLoss Compute(TBatch batch, int epoch, int batchIndex, long seed);

    /// <summary>Called after each optimiser update, for what follows the weights (a weight average).</summary>
    void AfterUpdate()
    {
    }
}

/// <summary>The optimiser as the training loop drives it.</summary>
internal interface ITrainingOptimizer
{
    /// <summary>The parameters it updates, whose gradient norm is clipped.</summary>
    IEnumerable<Parameter> Parameters { get; }

    /// <summary>Clears the gradients.</summary>
    void ZeroGrad();

    /// <summary>Applies one update at <paramref name="learningRate"/>.</summary>
    void Step(double learningRate);
}
