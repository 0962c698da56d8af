using Spectre.Console;

namespace Manabi.Cli.Output;

/// <summary>Creates Spectre.Console consoles for human-facing output on a given writer.</summary>
public static class Terminal
{
    /// <summary>True when <paramref name="output"/> is the process's own stdout and that is a terminal.</summary>
    public static bool IsInteractive(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>
    /// A console writing to <paramref name="output"/>: colours and live widgets only on an interactive
    /// terminal, plain text (120 columns wide) elsewhere so captured output stays readable.
    /// </summary>
    public static IAnsiConsole CreateConsole(TextWriter output)
    {
        bool interactive = IsInteractive(output);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive)
        {
            console.Profile.Width = 120;
        }
        return console;
    }
}
