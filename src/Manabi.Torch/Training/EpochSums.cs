namespace Manabi.Torch.Training;

/// <summary>The running sums of an epoch's finished batches, kept in the state so a stopped run resumes its epoch's figures.</summary>
/// <param name="LossSum">The batch losses times their examples.</param>
/// <param name="Examples">The examples trained on.</param>
/// <param name="Seconds">Training seconds of the epoch.</param>
/// <param name="Metrics">The trainer's own per-batch figures, summed (e.g. correct predictions).</param>
internal sealed record EpochSums(double LossSum, double Examples, double Seconds, double[] Metrics)
{
    /// <summary>The mean loss per example, 0 before any example.</summary>
    public double MeanLoss => LossSum / Math.Max(Examples, 1);

    /// <summary>Examples per second.</summary>
    public double ExamplesPerSecond => Examples / Math.Max(Seconds, 1e-9);
}

/// <summary>
/// Where a kind of run keeps <see cref="EpochSums"/> in its state's <see cref="RunState{TEpochRecord}.PartialEpoch"/>:
/// the classifier and Siamese states wrote their sums in different orders before they shared a loop, and their run
/// folders must still resume, so each keeps its own order.
/// </summary>
/// <param name="LossSum">The index of the loss sum.</param>
/// <param name="Examples">The index of the example count.</param>
/// <param name="Seconds">The index of the seconds.</param>
/// <param name="Metrics">The indices of the trainer's own figures, in the order its steps report them.</param>
internal sealed record PartialEpochLayout(int LossSum, int Examples, int Seconds, params int[] Metrics)
{
    /// <summary>How many numbers the state holds.</summary>
    public int Length => 3 + Metrics.Length;

    /// <summary>All sums 0, as at an epoch boundary.</summary>
    public double[] Empty => new double[Length];

    /// <summary>Reads the sums of a state's <paramref name="partialEpoch"/>; an empty array (a new state) reads as zeros.</summary>
    /// <exception cref="InvalidDataException">The array has another length than this layout.</exception>
    public EpochSums Read(double[] partialEpoch)
    {
        ArgumentNullException.ThrowIfNull(partialEpoch);
        if (partialEpoch.Length == 0)
        {
            partialEpoch = Empty;
        }
        if (partialEpoch.Length != Length)
        {
            throw new InvalidDataException($"the state's partial_epoch holds {partialEpoch.Length} numbers, this kind of run keeps {Length}; the state is damaged.");
        }
        return new EpochSums(partialEpoch[LossSum], partialEpoch[Examples], partialEpoch[Seconds], [.. Metrics.Select(i => partialEpoch[i])]);
    }

    /// <summary>
    /// Refuses a saved state whose <paramref name="partialEpoch"/> does not fit this layout, naming the state file:
    /// checked where the state is read, so that the error names the file rather than surfacing later in the loop.
    /// </summary>
    /// <exception cref="InvalidDataException">Neither empty nor this layout's length.</exception>
    public void Check(double[] partialEpoch, string path)
    {
        ArgumentNullException.ThrowIfNull(partialEpoch);
        if (partialEpoch.Length != 0 && partialEpoch.Length != Length)
        {
            throw new InvalidDataException($"{path}: partial_epoch holds {partialEpoch.Length} numbers, this kind of run keeps {Length}; the state is damaged.");
        }
        // A loss sum may be negative (SimSiam's is), so only finiteness is checked.
        if (partialEpoch.Any(v => !double.IsFinite(v)))
        {
            throw new InvalidDataException($"{path}: partial_epoch holds a sum that is not finite; the state is damaged.");
        }
    }

    /// <summary>The sums as a state's partial_epoch array.</summary>
    public double[] Write(EpochSums sums)
    {
        ArgumentNullException.ThrowIfNull(sums);
        var values = Empty;
        values[LossSum] = sums.LossSum;
        values[Examples] = sums.Examples;
        values[Seconds] = sums.Seconds;
        for (int i = 0; i < Metrics.Length; i++)
        {
            values[Metrics[i]] = sums.Metrics[i];
        }
        return values;
    }
}
