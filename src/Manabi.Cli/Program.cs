namespace Manabi.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args) => ManabiCommand.RunAsync(args, Console.Out, Console.Error);
}
