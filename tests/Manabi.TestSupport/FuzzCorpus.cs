namespace Manabi.TestSupport;

/// <summary>
/// Replays <c>tests/fixtures/fuzz/&lt;target&gt;/</c>: seeds of the fuzzing campaign (tools/fuzz) and every crash it
/// found, each run through the same entry point as the fuzzing target.
/// </summary>
public static class FuzzCorpus
{
    /// <summary>
    /// Runs <paramref name="parse"/> on a copy of every file of the target's folder, named <c>input</c> +
    /// <paramref name="extension"/> (some parsers choose the format by extension). A file passes when it parses, or
    /// when it is refused with one of <paramref name="rejections"/> whose message names the file; anything else is
    /// returned as a failure line naming the corpus file.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The target's folder is missing or empty.</exception>
    public static IReadOnlyList<string> Replay(string target, string extension, Action<string> parse, params Type[] rejections)
    {
        ArgumentNullException.ThrowIfNull(parse);
        string folder = System.IO.Path.Combine(Fixtures.Root, "fuzz", target);
        string[] files = Directory.Exists(folder) ? Directory.GetFiles(folder) : [];
        if (files.Length == 0)
        {
            throw new DirectoryNotFoundException($"The fuzzing corpus tests/fixtures/fuzz/{target}/ is missing or empty (tools/fuzz/run.sh writes its seeds).");
        }
        var failures = new List<string>();
        foreach (string file in files.Order(StringComparer.Ordinal))
        {
            string scratch = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"manabi-fuzz-replay-{Guid.NewGuid():N}");
            Directory.CreateDirectory(scratch);
            string input = System.IO.Path.Combine(scratch, "input" + extension);
            File.Copy(file, input);
            try
            {
                parse(input);
            }
            catch (Exception ex) when (rejections.Any(type => type.IsInstanceOfType(ex)))
            {
                if (!ex.Message.Contains(input, StringComparison.Ordinal))
                {
                    failures.Add($"{target}/{System.IO.Path.GetFileName(file)}: {ex.GetType().Name} does not name the file: {ex.Message}");
                }
            }
#pragma warning disable CA1031 // Every other exception is the failure being reported.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures.Add($"{target}/{System.IO.Path.GetFileName(file)}: {ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
        return failures;
    }
}
