using Spectre.Console;

namespace Manabi.Cli.Output;

/// <summary>The progress bar of the training commands (description, bar, percentage, elapsed and remaining time).</summary>
internal static class TrainingProgressBar
{
    /// <summary>
    /// Runs <paramref name="body"/> under one progress bar; the body receives an update callback taking the
    /// batches done, the batches in all, and the description line.
    /// </summary>
    public static T Run<T>(IAnsiConsole console, Func<Action<double, double, string>, T> body)
    {
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var task = progress.AddTask("training", maxValue: 1);
                result = body((done, total, description) =>
                {
                    task.MaxValue = total;
                    task.Value = done;
                    task.Description = description;
                });
            });
        return result;
    }
}
