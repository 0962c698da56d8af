using System.CommandLine;
using Manabi.Text;

namespace Manabi.Cli;

/// <summary>Wraps command bodies so bad input and cancellation become clear messages and exit codes.</summary>
internal static class CommandActions
{
    /// <summary>Runs a synchronous body; <see cref="InputException"/> and a file's <see cref="TokenizerFormatException"/> (FILE:LINE) become the message on stderr and exit code 2.</summary>
    public static Func<ParseResult, int> Guard(Func<ParseResult, TextWriter, int> body) => parseResult =>
    {
        TextWriter output = parseResult.InvocationConfiguration.Output;
        TextWriter error = parseResult.InvocationConfiguration.Error;
        try
        {
            return body(parseResult, output);
        }
        catch (Exception ex) when (ex is InputException or TokenizerFormatException)
        {
            error.WriteLine($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
    };

    /// <summary>Runs an asynchronous, cancellable body with the same error handling as <see cref="Guard"/>.</summary>
    public static Func<ParseResult, CancellationToken, Task<int>> GuardAsync(
        Func<ParseResult, TextWriter, CancellationToken, Task<int>> body) => async (parseResult, cancellationToken) =>
    {
        TextWriter output = parseResult.InvocationConfiguration.Output;
        TextWriter error = parseResult.InvocationConfiguration.Error;
        try
        {
            return await body(parseResult, output, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InputException or TokenizerFormatException)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("Cancelled.").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
    };
}
