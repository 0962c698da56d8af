namespace Manabi.Cli.Tests;

/// <summary>Runs the manabi command in-process, capturing stdout, stderr and the exit code.</summary>
internal static class CliRunner
{
    public static CliResult Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = ManabiCommand.RunAsync(args, output, error).GetAwaiter().GetResult();
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
