using System.CommandLine;
using Manabi.Cli.Commands;

namespace Manabi.Cli;

/// <summary>The root of the <c>manabi</c> command line: builds the command tree and runs it.</summary>
public static class ManabiCommand
{
    /// <summary>Builds the root command with every sub-command registered.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("Manabi: classic machine-learning ideas as fast, exact .NET software.");
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(EigCommand.Create());
        root.Subcommands.Add(PcaCommand.Create());
        root.Subcommands.Add(TokenizeCommand.Create());
        root.Subcommands.Add(WordPieceCommand.Create());
        root.Subcommands.Add(TokenizerCommand.Create());
        root.Subcommands.Add(VectorsCommand.Create());
        root.Subcommands.Add(VisionCommand.Create());
        root.Subcommands.Add(SiameseCommand.Create());
        root.Subcommands.Add(EmbeddingsCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(EmbedCommand.Create());
        root.Subcommands.Add(SimilarityCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(SearchCommand.Create());
        root.Subcommands.Add(StoreCommand.Create());
        root.Subcommands.Add(SbertCommand.Create());
        root.Subcommands.Add(TourCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>, writing to <paramref name="output"/> and <paramref name="error"/>.
    /// Returns the exit code: 0 success, 1 a failed check or section, 2 bad input (including parse errors).
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        // With no command at all, the useful answer is the list of commands.
        ParseResult parseResult = Create().Parse(args.Length == 0 ? ["--help"] : args);
        bool wantsHelp = parseResult.Tokens.Any(t => t.Value is "--help" or "-h" or "-?");
        if (parseResult.Errors.Count > 0 && !wantsHelp)
        {
            // System.CommandLine reports parse errors with exit code 1; the contract reserves 2 for bad input.
            foreach (var parseError in parseResult.Errors)
            {
                // "Argument 'f64' not recognized" does not say which option it was given to; prefix the option's name.
                string? option = parseError.SymbolResult switch
                {
                    System.CommandLine.Parsing.OptionResult o => o.Option.Name,
                    System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult o } => o.Option.Name,
                    _ => null,
                };
                string message = option is null || parseError.Message.Contains(option, StringComparison.Ordinal) ? parseError.Message : $"{option}: {parseError.Message}";
                await error.WriteLineAsync(message).ConfigureAwait(false);
            }
            string commandPath = string.Join(' ', parseResult.Tokens.Where(t => t.Type == System.CommandLine.Parsing.TokenType.Command).Select(t => t.Value));
            await error.WriteLineAsync($"Run 'manabi {commandPath} --help' for usage.".Replace("  ", " ", StringComparison.Ordinal)).ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // After Ctrl-C, System.CommandLine kills the process once this passes (default 2 s). 'vision train'
            // finishes its batch and saves its checkpoint first, which on a loaded machine takes longer than 2 s.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(120),
        };
        return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
