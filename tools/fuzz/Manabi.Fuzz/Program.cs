using Manabi.Fuzz;
using SharpFuzz;

// manabi-fuzz list | seeds <repo-root> <out-dir> | run <target> | replay|triage <target> <file>...
// "run" is what afl-fuzz starts (tools/fuzz/run.sh); "replay" reproduces a finding outside AFL.
if (args.Length == 0)
{
    return Usage();
}
switch (args[0])
{
    case "list":
        foreach (var target in Targets.All)
        {
            Console.WriteLine($"{target.Name}\t{target.EntryPoint}");
        }
        return 0;
    case "seeds" when args.Length == 3:
        Seeds.Write(args[1], args[2]);
        return 0;
    case "run" when args.Length == 2:
    {
        var target = Targets.Find(args[1]);
        using var input = new InputFile(target.Extension);
        // Out of process: a crash that takes the runtime down (stack overflow, access violation in a mapped file)
        // is reported to AFL as a crash instead of killing the fork server.
        Fuzzer.OutOfProcess.Run(stream => target.Execute(input.Write(stream)));
        return 0;
    }
    case "replay" when args.Length >= 3:
    {
        var target = Targets.Find(args[1]);
        int findings = 0;
        foreach (string file in args.Skip(2))
        {
            using var input = new InputFile(target.Extension);
            using var stream = File.OpenRead(file);
            try
            {
                string outcome = target.Execute(input.Write(stream));
                Console.WriteLine($"{file}: {outcome}");
            }
            catch (Exception ex)
            {
                findings++;
                Console.WriteLine($"{file}: FINDING {ex}");
            }
        }
        return findings == 0 ? 0 : 1;
    }
    case "triage" when args.Length >= 3:
    {
        // One line per distinct finding (exception type + first Manabi frame), with its smallest input: what becomes
        // a regression file under tests/fixtures/fuzz/<target>/.
        var target = Targets.Find(args[1]);
        var smallest = new SortedDictionary<string, (long Size, string File)>(StringComparer.Ordinal);
        foreach (string file in args.Skip(2))
        {
            using var input = new InputFile(target.Extension);
            using var stream = File.OpenRead(file);
            try
            {
                target.Execute(input.Write(stream));
            }
            catch (Exception ex)
            {
                var cause = ex is FuzzFindingException ? ex.InnerException! : ex;
                string frame = cause.StackTrace?.Split('\n').Select(l => l.Trim())
                    .FirstOrDefault(l => l.StartsWith("at Manabi.", StringComparison.Ordinal) && !l.StartsWith("at Manabi.Fuzz", StringComparison.Ordinal)) ?? "?";
                frame = frame.Split(" in ")[0];
                string key = $"{(ex is FuzzFindingException ? "unnamed " : "")}{cause.GetType().Name} {frame}";
                long size = new FileInfo(file).Length;
                if (!smallest.TryGetValue(key, out var best) || size < best.Size)
                {
                    smallest[key] = (size, file);
                }
            }
        }
        foreach (var (key, (size, file)) in smallest)
        {
            Console.WriteLine($"{key}\t{size}\t{file}");
        }
        return 0;
    }
    default:
        return Usage();
}

static int Usage()
{
    Console.Error.WriteLine("usage: manabi-fuzz list | seeds <repo-root> <out-dir> | run <target> | replay <target> <file>...");
    return 2;
}
