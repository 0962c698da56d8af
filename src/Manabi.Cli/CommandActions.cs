using System.CommandLine;
using Manabi.Cli.Data;
using Manabi.Text;
using Manabi.Torch.Training;
using Manabi.Vectors;

namespace Manabi.Cli;

/// <summary>
/// The one error and cancellation boundary of every command: bad input, unwritable output and Ctrl-C/SIGTERM become
/// a one-line message and an exit code (<see cref="ExitCodes"/>), never a stack trace or a half-written file.
/// </summary>
internal static class CommandActions
{
    /// <summary>
    /// Runs a synchronous body that does not watch for cancellation. On Ctrl-C or SIGTERM the command answers
    /// "Cancelled." and exit code 130 at once, abandoning the body and removing the files it was writing.
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Guard(Func<ParseResult, TextWriter, int> body) =>
        GuardAsync(async (parseResult, output, cancellationToken) =>
        {
            var work = Task.Run(() => body(parseResult, output), CancellationToken.None);
            // The body cannot be stopped, so cancellation stops the wait for it instead; the process ends with it.
            await Task.WhenAny(work, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
            if (!work.IsCompleted)
            {
                AtomicFile.AbandonAll();
                cancellationToken.ThrowIfCancellationRequested();
            }
            return await work.ConfigureAwait(false);
        });

    /// <summary>
    /// Runs a cancellable body. It runs on the thread pool even when it does all its work synchronously, because
    /// System.CommandLine installs its SIGINT/SIGTERM handler only once the action has returned its task: a body that
    /// finished its work before returning could not be cancelled, and a signal killed the process with its temporary
    /// file left behind.
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> GuardAsync(
        Func<ParseResult, TextWriter, CancellationToken, Task<int>> body) => async (parseResult, cancellationToken) =>
    {
        TextWriter output = parseResult.InvocationConfiguration.Output;
        TextWriter error = parseResult.InvocationConfiguration.Error;
        try
        {
            return await Task.Run(() => body(parseResult, output, cancellationToken), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InputException or TokenizerFormatException or VectorFormatException)
        {
            // VectorFormatException: a store's lazily read tables (key offsets, graph links, n-gram postings) are
            // checked as a query reads them, after OpenStore; the message already names the file and the section.
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (TrainingDivergedException ex)
        {
            // A NaN loss is the user's settings (usually the learning rate), not a bug: say so, without a stack trace.
            string loss = double.IsNaN(ex.Loss) ? "NaN" : "infinite";
            await error.WriteLineAsync($"error: training diverged at step {ex.Step} (epoch {ex.Epoch}): loss is {loss}; lower --lr").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("Cancelled.").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file a command could not read or write is the user's to fix, like any other bad input. Commands name
            // the option where they can (AtomicFile does for outputs); the framework's messages name the path.
            string? option = OutputOption(parseResult, ex.Message);
            await error.WriteLineAsync($"error: {(option is null ? "" : option + ": ")}{ex.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
    };

    /// <summary>The options that name a command's output file or folder.</summary>
    private static readonly string[] OutputOptions = ["--output", "--transform", "--index", "--out", "--checkpoints"];

    /// <summary>
    /// The output option an I/O error is about (a full or read-only file system fails the write, not the open that
    /// the commands check), or null when it is not about an output.
    /// </summary>
    private static string? OutputOption(ParseResult parseResult, string message)
    {
        foreach (var option in parseResult.CommandResult.Command.Options)
        {
            if (OutputOptions.Contains(option.Name, StringComparer.Ordinal) && option is Option<string> path
                && Commands.Check.IsAbout(message, parseResult.GetValue(path)))
            {
                return option.Name;
            }
        }
        return null;
    }
}
