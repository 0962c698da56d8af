using System.CommandLine;
using System.Globalization;
using System.Text;
using Manabi.TestSupport;
using Xunit.Abstractions;

namespace Manabi.Cli.Tests.FaultInjection;

/// <summary>
/// The fault-injection suite: every row of <see cref="FaultTable"/> runs one command on one malformed input or option
/// and must end with exit code 2, a message naming the option or file (and line), no stack trace, nothing added to or
/// removed from its folder, and every input byte-identical afterwards.
/// </summary>
public sealed class FaultInjectionTests(ITestOutputHelper output)
{
    /// <summary>The most a child process may hold at its peak while refusing a 64 MiB line: a few copies, not dozens.</summary>
    private const long PeakMemoryLimit = 1L << 30;

    public static TheoryData<string> Cases
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var fault in FaultTable.All)
            {
                data.Add(fault.Id);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Refused_cleanly(string id)
    {
        var fault = FaultTable.ById[id];
        using var scene = new FaultScene();
        var invocation = fault.Arrange(scene);
        var before = scene.Snapshot();
        var result = fault.InChildProcess ? RunMeasured(scene, invocation.Args) : CliRunner.Run(invocation.Args);

        string context = $"{id}\nmanabi {string.Join(' ', invocation.Args.Select(Quote))}\n{result}";
        Assert.True(result.ExitCode == ExitCodes.BadInput, $"expected exit 2: {context}");
        foreach (string named in invocation.Named)
        {
            Assert.True(result.Stderr.Contains(named, StringComparison.Ordinal), $"stderr does not name '{named}': {context}");
        }
        foreach (string trace in (string[])["   at ", "Unhandled exception", "Fatal error", "--- End of"])
        {
            Assert.False(result.Stderr.Contains(trace, StringComparison.Ordinal), $"stack trace in stderr: {context}");
        }
        var after = scene.Snapshot();
        Assert.True(before.Keys.SequenceEqual(after.Keys, StringComparer.Ordinal),
            $"files added or removed: before [{string.Join(", ", before.Keys)}], after [{string.Join(", ", after.Keys)}]: {context}");
        foreach (var (path, hash) in before)
        {
            Assert.True(after[path] == hash, $"{path} changed: {context}");
        }
    }

    [Fact]
    public void Every_command_has_fault_cases_and_the_counts_in_the_docs_are_the_tables()
    {
        var leaves = new List<string>();
        Collect(ManabiCommand.Create(), "", leaves);
        var counts = FaultTable.All.GroupBy(c => c.Command).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        string[] uncovered = [.. leaves.Where(l => !counts.ContainsKey(l))];
        Assert.True(uncovered.Length == 0, $"commands without fault cases: {string.Join(", ", uncovered)}");
        string[] unknown = [.. counts.Keys.Where(c => !leaves.Contains(c))];
        Assert.True(unknown.Length == 0, $"fault cases for commands that do not exist: {string.Join(", ", unknown)}");
        Assert.Equal(FaultTable.All.Count, FaultTable.ById.Count); // ids are unique

        string table = CountsTable(leaves, counts);
        output.WriteLine(table);
        string docs = File.ReadAllText(Path.Combine(Fixtures.RepositoryRoot, "docs", "RELIABILITY.md")).ReplaceLineEndings("\n");
        Assert.True(docs.Contains(table, StringComparison.Ordinal),
            $"docs/RELIABILITY.md does not hold the fault-case counts of the table; replace its counts table with:\n{table}");
    }

    /// <summary>The markdown table of cases per command, in the command tree's order, with the total.</summary>
    internal static string CountsTable(IEnumerable<string> commands, IReadOnlyDictionary<string, int> counts)
    {
        var table = new StringBuilder("| Command | Fault cases |\n|---|---:|\n");
        foreach (string command in commands)
        {
            table.Append(CultureInfo.InvariantCulture, $"| `{command}` | {counts[command]} |\n");
        }
        table.Append(CultureInfo.InvariantCulture, $"| **total** | **{counts.Values.Sum()}** |\n");
        return table.ToString();
    }

    /// <summary>
    /// Every command a user can run: those without sub-commands, and those that run themselves besides having some
    /// (<c>tokenize</c>, with <c>tokenize count</c>).
    /// </summary>
    private static void Collect(Command command, string prefix, List<string> leaves)
    {
        if (prefix.Length > 0 && (command.Subcommands.Count == 0 || command.Action is not null))
        {
            leaves.Add(prefix);
        }
        foreach (var sub in command.Subcommands)
        {
            Collect(sub, prefix.Length == 0 ? sub.Name : $"{prefix} {sub.Name}", leaves);
        }
    }

    /// <summary>Runs the CLI as a child process, failing when its peak resident memory passes <see cref="PeakMemoryLimit"/>.</summary>
    private CliResult RunMeasured(FaultScene scene, string[] args)
    {
        using var cli = new CliProcess(scene.Root, args);
        long peak = 0;
        while (!cli.HasExited)
        {
            // VmHWM is the peak so far: the last reading before the exit is the run's peak, to within one poll.
            peak = Math.Max(peak, PeakResident(cli.Id));
            Thread.Sleep(5);
        }
        var result = cli.WaitForExit(TimeSpan.FromSeconds(120));
        output.WriteLine($"peak resident memory: {peak >> 20} MiB");
        Assert.True(peak > 0, "could not read the child's peak memory from /proc");
        Assert.True(peak < PeakMemoryLimit, $"peak resident memory {peak >> 20} MiB for a {FaultScene.HugeLineBytes >> 20} MiB line: {result}");
        return result;
    }

    private static long PeakResident(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // The process has just exited.
        }
        return 0;
    }

    private static string Quote(string arg) => arg.Length == 0 || arg.Contains(' ', StringComparison.Ordinal) ? $"'{arg}'" : arg;
}
