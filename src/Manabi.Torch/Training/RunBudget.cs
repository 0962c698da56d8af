namespace Manabi.Torch.Training;

/// <summary>The stopping rule shared by the trainers: a time budget (<c>--max-minutes</c>) and cancellation (Ctrl-C).</summary>
internal static class RunBudget
{
    /// <summary>Why a run must stop now, or null to go on. Running out of time wins over cancellation.</summary>
    /// <param name="maxMinutes">The budget in minutes; 0 or less means none.</param>
    /// <param name="elapsedSeconds">Training time spent so far, resumed sessions included.</param>
    /// <param name="cancellationToken">Cancelled by Ctrl-C.</param>
    public static TrainingOutcome? StopReason(double maxMinutes, double elapsedSeconds, CancellationToken cancellationToken) =>
        maxMinutes > 0 && elapsedSeconds >= maxMinutes * 60 ? TrainingOutcome.TimeLimit
        : cancellationToken.IsCancellationRequested ? TrainingOutcome.Cancelled
        : null;
}
