namespace Manabi.Torch.Training;

/// <summary>
/// Thrown when a training loss stops being a finite number. Once a loss is NaN or infinite the gradients, and with
/// them every weight, become NaN at the next step; stopping there keeps a broken model from being saved as if it were
/// trained. The usual cause is a learning rate that is too high.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for a loss that became <paramref name="loss"/> at <paramref name="step"/>.</summary>
    /// <param name="step">The 1-based optimiser step whose loss was not finite.</param>
    /// <param name="epoch">The 1-based epoch of that step.</param>
    /// <param name="loss">The loss value (NaN or an infinity).</param>
    public TrainingDivergedException(long step, int epoch, double loss)
        : base($"training diverged at step {step} (epoch {epoch}): loss is {Describe(loss)}; lower the learning rate")
    {
        Step = step;
        Epoch = epoch;
        Loss = loss;
    }

    /// <summary>Creates the exception with a message of its own.</summary>
    public TrainingDivergedException() : base("training diverged: the loss is not finite")
    {
    }

    /// <summary>Creates the exception with a message of its own.</summary>
    public TrainingDivergedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message of its own and the exception that caused it.</summary>
    public TrainingDivergedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The 1-based optimiser step whose loss was not finite (0 when unknown).</summary>
    public long Step { get; }

    /// <summary>The 1-based epoch of <see cref="Step"/> (0 when unknown).</summary>
    public int Epoch { get; }

    /// <summary>The non-finite loss (NaN when unknown).</summary>
    public double Loss { get; } = double.NaN;

    /// <summary>Throws a <see cref="TrainingDivergedException"/> when <paramref name="loss"/> is NaN or infinite.</summary>
    /// <param name="loss">The step's loss.</param>
    /// <param name="step">The 1-based step.</param>
    /// <param name="epoch">The 1-based epoch.</param>
    public static void ThrowIfNotFinite(double loss, long step, int epoch)
    {
        if (!double.IsFinite(loss))
        {
            throw new TrainingDivergedException(step, epoch, loss);
        }
    }

    private static string Describe(double loss) => double.IsNaN(loss) ? "NaN" : loss > 0 ? "+infinity" : "-infinity";
}
