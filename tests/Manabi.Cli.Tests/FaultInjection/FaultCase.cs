namespace Manabi.Cli.Tests.FaultInjection;

/// <summary>
/// One row of the fault-injection table: a command, the fault put into one of its inputs or options, and how to set it
/// up. <see cref="Arrange"/> writes the inputs into the scene and returns the arguments and what the message must name.
/// </summary>
/// <param name="Command">The command path, e.g. <c>vectors convert</c>; the counts per command are grouped by it.</param>
/// <param name="Fault">The fault, short, unique within the command (part of the test's name).</param>
/// <param name="Arrange">Writes the inputs into the scene; returns the arguments and the strings stderr must contain.</param>
/// <param name="InChildProcess">
/// Run as a child process whose peak memory is measured (the huge-line cases): an in-process run could not show that
/// a 64 MB line is not held many times over.
/// </param>
internal sealed record FaultCase(string Command, string Fault, Func<FaultScene, Invocation> Arrange, bool InChildProcess = false)
{
    /// <summary>The case's key in the theory data: "command: fault".</summary>
    public string Id => $"{Command}: {Fault}";
}

/// <summary>The arguments of one faulty run and the strings its error message must contain (option, file, file:line).</summary>
internal sealed record Invocation(string[] Args, params string[] Named);
