namespace Manabi.Cli;

internal static class Program
{
    private static int Main(string[] args) => ManabiCommand.Run(args);
}
