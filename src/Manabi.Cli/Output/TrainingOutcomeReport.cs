using Manabi.Torch.Training;
using Manabi.Vision.Training;
using Spectre.Console;

namespace Manabi.Cli.Output;

/// <summary>How the training commands end: one line saying how the run stopped, and the matching exit code.</summary>
internal static class TrainingOutcomeReport
{
    /// <summary>
    /// Prints <paramref name="finished"/> or <paramref name="timeLimit"/> (exit code 0), or that the run was interrupted
    /// with its state saved in <paramref name="runDirectory"/> for resuming (exit code 130, and "Cancelled." on
    /// <paramref name="error"/> as every cancelled command says).
    /// </summary>
    public static int Write(IAnsiConsole console, TextWriter error, TrainingOutcome outcome, string runDirectory, string finished, string timeLimit)
    {
        switch (outcome)
        {
            case TrainingOutcome.Finished:
                console.WriteLine(finished);
                return ExitCodes.Success;
            case TrainingOutcome.TimeLimit:
                console.WriteLine(timeLimit);
                return ExitCodes.Success;
            default:
                console.WriteLine($"Interrupted; state saved in {runDirectory}. Run the same command to resume.");
                error.WriteLine("Cancelled.");
                return ExitCodes.Interrupted;
        }
    }
}
