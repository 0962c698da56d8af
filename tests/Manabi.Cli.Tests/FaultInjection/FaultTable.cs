namespace Manabi.Cli.Tests.FaultInjection;

/// <summary>
/// The fault-injection table: for every command, the malformed inputs and options it must refuse with exit code 2 and
/// a message naming what was wrong. One list, built by the partial methods per command group; the counts per command
/// in docs/RELIABILITY.md are checked against it.
/// </summary>
internal static partial class FaultTable
{
    public static IReadOnlyList<FaultCase> All { get; } = Build();

    public static IReadOnlyDictionary<string, FaultCase> ById { get; } = All.ToDictionary(c => c.Id, StringComparer.Ordinal);

    private static List<FaultCase> Build()
    {
        var table = new List<FaultCase>();
        Numerics(table);
        Text(table);
        Vectors(table);
        Vision(table);
        Sentences(table);
        Tools(table);
        Services(table);
        return table;
    }

    /// <summary>The ways a file given to <paramref name="option"/> can be wrong, before its contents are read.</summary>
    [Flags]
    private enum FileFaults
    {
        None = 0,
        Missing = 1,
        Empty = 2,
        Folder = 4,
        Garbage = 8,
        All = Missing | Empty | Folder | Garbage,
        NotEmpty = Missing | Folder | Garbage,
    }

    /// <summary>
    /// Adds one case per fault in <paramref name="faults"/> for the file option <paramref name="option"/>: the file is
    /// missing, empty, a folder, or random bytes. <paramref name="args"/> builds the arguments from the scene and the path.
    /// </summary>
    private static void AddFileFaults(List<FaultCase> table, string command, string option, string name, FileFaults faults,
        Func<FaultScene, string, string[]> args)
    {
        if (faults.HasFlag(FileFaults.Missing))
        {
            table.Add(new(command, $"{option} missing", s => Named(s, args, s.Missing(name))));
        }
        if (faults.HasFlag(FileFaults.Empty))
        {
            table.Add(new(command, $"{option} empty file", s => Named(s, args, s.Text(name, ""))));
        }
        if (faults.HasFlag(FileFaults.Folder))
        {
            table.Add(new(command, $"{option} a folder", s => Named(s, args, s.Folder(name))));
        }
        if (faults.HasFlag(FileFaults.Garbage))
        {
            table.Add(new(command, $"{option} binary garbage", s => Named(s, args, s.Garbage(name))));
        }
    }

    /// <summary>A case whose file's contents are the fault, and whose message must name <c>file:line</c> (or the file alone when <paramref name="line"/> is 0).</summary>
    private static FaultCase Content(string command, string fault, string name, Func<FaultScene, string, string> write, int line,
        Func<FaultScene, string, string[]> args) =>
        new(command, fault, s =>
        {
            string path = write(s, name);
            return new Invocation(args(s, path), line > 0 ? $"{path}:{line}" : path);
        });

    /// <summary>A case whose file is one 64 MiB line (run as a child process so its peak memory is measured).</summary>
    private static FaultCase Huge(string command, string option, string name, Func<FaultScene, string, string[]> args, string prefix = "") =>
        new(command, $"{option} a 64 MiB line", s =>
        {
            string path = s.HugeLine(name, prefix);
            return new Invocation(args(s, path), path);
        }, InChildProcess: true);

    /// <summary>A case whose option value is the fault; the message must name the option.</summary>
    private static FaultCase Option(string command, string fault, string option, Func<FaultScene, string[]> args) =>
        new(command, fault, s => new Invocation(args(s), option));

    private static Invocation Named(FaultScene scene, Func<FaultScene, string, string[]> args, string path) => new(args(scene, path), path);
}
