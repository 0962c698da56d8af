using System.Text.Json;

namespace Manabi.Text.Tests;

/// <summary>Exact parity with HF tokenizers on all 13,067 lines of wordpiece-stress.jsonl.gz.</summary>
public class StressParityTests
{
    [Fact]
    public void AllStressLinesMatchUncasedIdsCasedIdsAndUtf16Offsets()
    {
        int lines = 0;
        var failures = new List<string>();
        int failed = 0;
        foreach (JsonElement item in Golden.StressLines())
        {
            lines++;
            string text = item.GetProperty("text").GetString()!;
            string kind = item.GetProperty("kind").GetString()!;
            var uncased = Golden.Uncased.Encode(text);
            var cased = Golden.Cased.Encode(text);
            bool ok = true;
            ok &= Check(failures, lines, kind, text, "ids", Golden.Ints(item.GetProperty("ids")), uncased.Ids);
            ok &= Check(failures, lines, kind, text, "offsets_utf16", Golden.Pairs(item.GetProperty("offsets_utf16")), uncased.Offsets);
            ok &= Check(failures, lines, kind, text, "cased_ids", Golden.Ints(item.GetProperty("cased_ids")), cased.Ids);
            failed += ok ? 0 : 1;
        }
        Assert.Equal(13067, lines);
        Assert.True(failed == 0, $"{failed} of {lines} lines differ; first ones:\n" + string.Join("\n", failures.Take(12)));
    }

    private static bool Check<T>(List<string> failures, int line, string kind, string text, string what, IEnumerable<T> expected,
        IEnumerable<T> actual)
    {
        if (expected.SequenceEqual(actual))
        {
            return true;
        }
        var e = expected.ToList();
        var a = actual.ToList();
        int at = 0;
        while (at < Math.Min(e.Count, a.Count) && EqualityComparer<T>.Default.Equals(e[at], a[at]))
        {
            at++;
        }
        failures.Add($"line {line} ({kind}) {what} differ at {at}: HF {Golden.Show(e.Skip(at).Take(4))} vs Manabi {Golden.Show(a.Skip(at).Take(4))} " +
            $"in {JsonSerializer.Serialize(text)[..Math.Min(200, JsonSerializer.Serialize(text).Length)]}");
        return false;
    }
}
