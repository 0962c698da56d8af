using System.CommandLine;

namespace Manabi.Cli;

/// <summary>The root of the <c>manabi</c> command line.</summary>
internal static class ManabiCommand
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("Manabi: classic machine-learning ideas as fast, exact .NET software.");
        return root.Parse(args).Invoke();
    }
}
