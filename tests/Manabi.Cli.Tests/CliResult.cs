using System.Globalization;

namespace Manabi.Cli.Tests;

/// <summary>What one in-process run of the manabi command produced.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The stdout lines without the final newline's empty remainder.</summary>
    public string[] Lines => Stdout.TrimEnd('\n').Split('\n');

    /// <summary>The single stdout value parsed as a number.</summary>
    public double Number => double.Parse(Stdout.Trim(), CultureInfo.InvariantCulture);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
