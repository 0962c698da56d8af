using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using Manabi.Benchmarks.Compare;
using Manabi.Vectors;

namespace Manabi.Benchmarks.Vectors;

/// <summary>
/// Side-by-side measurements of Manabi.Vectors against gensim (bench/anchors/vectors_anchor.py), in one run:
/// <c>vectors perf --source FILE.bin --store FILE.mwv [--approx] [--queries N]</c> (converts once if the store is absent),
/// <c>vectors oov --data bench/data/vectors</c> (OOV quality on held-out fastText words),
/// <c>vectors open-rss --store FILE.mwv</c> (a fresh process: open time and resident memory after open).
/// </summary>
public static class VectorsComparison
{
    public static async Task<int> RunAsync(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "perf";
        string Arg(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        string report = mode switch
        {
            "perf" => await PerfAsync(Arg("--source", "bench/data/vectors/synthetic-1m-300.bin"), Arg("--store", "bench/data/vectors/synthetic-1m-300.mwv"),
                args.Contains("--approx"), int.Parse(Arg("--queries", "20"), CultureInfo.InvariantCulture), Arg("--efforts", "0.05,0.1,0.2,0.4")),
            "oov" => await OovAsync(Arg("--data", "bench/data/vectors")),
            "open-rss" => OpenRss(Arg("--store", "")),
            _ => throw new ArgumentException($"unknown vectors mode '{mode}' (perf, oov, open-rss)"),
        };
        Console.WriteLine(report);
        string? outFile = Arg("--out", "") is { Length: > 0 } o ? o : null;
        if (outFile is not null)
        {
            await File.WriteAllTextAsync(outFile + ".tmp", report);
            File.Move(outFile + ".tmp", outFile, overwrite: true);
        }
        return 0;
    }

    private static string OpenRss(string store)
    {
        double before = RssMb();
        long t0 = Stopwatch.GetTimestamp();
        using var s = VectorStore.Open(store);
        double openMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        double after = RssMb();
        var times = new List<double>();
        for (int i = 0; i < 20; i++)
        {
            long t = Stopwatch.GetTimestamp();
            using var again = VectorStore.Open(store);
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        times.Sort();
        return FormattableString.Invariant($"{{\"first_open_ms\": {openMs:F3}, \"warm_open_median_ms\": {times[10]:F3}, \"rss_before_mb\": {before:F1}, \"rss_after_mb\": {after:F1}, \"count\": {s.Count}, \"dims\": {s.Dimensions}}}");
    }

    private static double RssMb()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            }
        }
        return double.NaN;
    }

    private static async Task<string> PerfAsync(string source, string storePath, bool approx, int queries, string efforts)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Manabi.Vectors vs gensim: " + Path.GetFileName(source));
        sb.AppendLine();
        sb.AppendLine(MachineFacts.Describe());
        sb.AppendLine();
        if (!File.Exists(storePath))
        {
            var clock = Stopwatch.StartNew();
            ConvertResult r = VectorStoreConverter.Convert(source, storePath, new VectorConvertOptions { BuildApproximateIndex = approx },
                new Progress<ConvertProgress>(p => { if (p.Fraction >= 1) { Console.Error.WriteLine($"{clock.Elapsed}: {p.Stage} done"); } }));
            sb.AppendLine(FormattableString.Invariant($"Converted {r.Count:N0} x {r.Dimensions} in {r.Elapsed.TotalSeconds:F1} s (approx index: {approx}); store {r.Bytes / 1e6:F0} MB."));
            sb.AppendLine();
        }
        // Open time and RSS in a fresh process, so nothing from this one is resident.
        string self = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "Manabi.Benchmarks.dll") }.Where(_ => self.EndsWith("dotnet", StringComparison.Ordinal)))
        {
            psi.ArgumentList.Add(a);
        }
        foreach (string a in new[] { "vectors", "open-rss", "--store", storePath })
        {
            psi.ArgumentList.Add(a);
        }
        using (Process p = Process.Start(psi)!)
        {
            string output = await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            sb.AppendLine("Fresh process open/RSS: `" + output.Trim().Split('\n')[^1] + "`");
            sb.AppendLine();
        }

        using var store = VectorStore.Open(storePath);
        var rng = new Random(12345);
        string keysFile = Path.Combine(Path.GetTempPath(), $"manabi-vector-keys-{Environment.ProcessId}.txt");
        string[] keys = [.. Enumerable.Range(0, 20_000).Select(_ => store.GetKey(rng.Next(store.Count)))];
        await File.WriteAllLinesAsync(keysFile, keys);

        // Page every looked-up row in first: gensim's kv[key] returns a view without reading the vector, so timing
        // the first touch of cold pages here would measure the disk cache, not the lookup.
        var warm = new float[store.Dimensions];
        foreach (string k in keys)
        {
            store.LookupInto(k, warm);
        }
        // Three alternating rounds, best mean of each: the two loops see the same cache state and machine noise.
        double lookupUs = double.MaxValue, lookupIntoUs = double.MaxValue;
        var buffer = new float[store.Dimensions];
        for (int round = 0; round < 3; round++)
        {
            long start = Stopwatch.GetTimestamp();
            foreach (string k in keys)
            {
                store.GetVector(k);
            }
            lookupUs = Math.Min(lookupUs, Stopwatch.GetElapsedTime(start).TotalMicroseconds / keys.Length);
            start = Stopwatch.GetTimestamp();
            foreach (string k in keys)
            {
                store.LookupInto(k, buffer);
            }
            lookupIntoUs = Math.Min(lookupIntoUs, Stopwatch.GetElapsedTime(start).TotalMicroseconds / keys.Length);
        }
        string[][] batches = [.. keys.Chunk(100).Take(200)];
        long t0 = Stopwatch.GetTimestamp();
        foreach (string[] b in batches)
        {
            store.Query(b);
        }
        double batchUs = Stopwatch.GetElapsedTime(t0).TotalMicroseconds / batches.Length;

        store.MostSimilar(keys[0], 10);
        var exact = new List<double>();
        double plainMs = double.NaN;
        foreach (string k in keys.Skip(1).Take(queries))
        {
            long t = Stopwatch.GetTimestamp();
            store.MostSimilar(k, 10);
            exact.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        double exactMs = Median(exact);
        double rescoredMean = 0;
        if (store.HasScreeningCopy)
        {
            // The same queries over every float32 row (screening off), for the share of the gain the int8 copy brings.
            using var plain = VectorStore.Open(storePath, new VectorStoreOptions { UseScreeningCopy = false });
            var plainTimes = new List<double>();
            foreach (string k in keys.Skip(1).Take(queries))
            {
                store.MostSimilar(k, 10);
                rescoredMean += VectorStore.LastExactSearchRescored / (double)queries;
                long t = Stopwatch.GetTimestamp();
                plain.MostSimilar(k, 10);
                plainTimes.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            plainMs = Median(plainTimes);
        }

        var oov = new List<double>();
        for (int i = 0; i < 1000; i++)
        {
            string word = keys[i][..Math.Max(3, keys[i].Length - 1)] + "qz" + i.ToString(CultureInfo.InvariantCulture);
            long t = Stopwatch.GetTimestamp();
            store.GetVector(word);
            oov.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        var gensim = await PythonAnchor.RunAsync("vectors_anchor.py", "perf", source, source.EndsWith(".bin", StringComparison.Ordinal) ? "1" : "0", keysFile, queries.ToString(CultureInfo.InvariantCulture));
        File.Delete(keysFile);
        double G(string name) => gensim.GetProperty(name).GetDouble();

        sb.AppendLine("| measure | Manabi.Vectors | gensim | ratio (gensim / Manabi) |");
        sb.AppendLine("|---|---:|---:|---:|");
        void Row(string name, double manabi, double peer, string unit) =>
            sb.AppendLine(FormattableString.Invariant($"| {name} | {manabi:G4} {unit} | {peer:G4} {unit} | {peer / manabi:F2}x |"));
        sb.AppendLine(FormattableString.Invariant($"| open (see fresh-process line) | - | mmap load {G("mmap_load_s") * 1e3:G4} ms; load_word2vec_format {G("load_word2vec_format_s"):G4} s | |"));
        Row("single-key lookup (new array)", lookupUs, G("lookup_us"), "µs");
        Row("single-key lookup (into a span)", lookupIntoUs, G("lookup_us"), "µs");
        Row("100-key batch", batchUs, G("batch100_us"), "µs");
        Row(store.HasScreeningCopy ? "most_similar top-10 exact (median; int8 screening + float32 rescoring)" : "most_similar top-10 exact (median)",
            exactMs, G("most_similar_ms"), "ms");
        if (store.HasScreeningCopy)
        {
            Row("most_similar top-10 exact (median; every float32 row, screening off)", plainMs, G("most_similar_ms"), "ms");
        }
        sb.AppendLine(FormattableString.Invariant($"| OOV lookup (median of 1000, uncached) | {Median(oov):G4} ms | n/a | |"));
        sb.AppendLine(FormattableString.Invariant($"| RSS after mmap load (python process) | see fresh-process line | {G("rss_after_mmap_mb"):F0} MB (before load {G("rss_before_mmap_mb"):F0} MB) | |"));
        sb.AppendLine();
        if (store.HasScreeningCopy)
        {
            sb.AppendLine(FormattableString.Invariant($"Screened exact searches rescored {rescoredMean:F0} of {store.Count:N0} rows in float32 on average (same results as the full scan)."));
            sb.AppendLine();
        }
        sb.AppendLine("gensim: " + gensim.GetProperty("versions").ToString() + "; BLAS: " + gensim.GetProperty("blas").GetString());
        if (store.HasApproximateIndex)
        {
            sb.AppendLine();
            sb.AppendLine(FormattableString.Invariant($"HNSW (M={store.ApproximateIndexParameters.M}, efConstruction={store.ApproximateIndexParameters.EfConstruction}), 200 stored keys as queries, recall@10 against exact:"));
            sb.AppendLine();
            sb.AppendLine("| effort | ef | recall@10 | exact median | approximate median | speed-up |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|");
            foreach (string e in efforts.Split(','))
            {
                double effort = double.Parse(e, CultureInfo.InvariantCulture);
                RecallReport r = store.MeasureApproximateRecall(200, 10, effort);
                sb.AppendLine(FormattableString.Invariant(
                    $"| {effort} | {VectorStore.EfFor(10, effort)} | {r.Recall:F3} | {r.ExactMedian.TotalMilliseconds:F2} ms | {r.ApproximateMedian.TotalMilliseconds:F3} ms | {r.Speedup:F0}x |"));
            }
        }
        return sb.ToString();
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static async Task<string> OovAsync(string data)
    {
        string full = Path.Combine(data, "ft.vec"), minus = Path.Combine(data, "ft-minus-heldout.vec");
        string heldoutPath = Path.Combine(data, "heldout.txt");
        foreach (string f in new[] { full, minus, heldoutPath, Path.Combine(data, "heldout-fasttext.vec"), Path.Combine(data, "ft-without-heldout.vec") })
        {
            if (!File.Exists(f))
            {
                throw new FileNotFoundException($"{f} is missing: run bench/vectors-data.sh first.", f);
            }
        }
        string fullStore = Path.Combine(data, "ft.mwv"), minusStore = Path.Combine(data, "ft-minus-heldout.mwv");
        VectorStoreConverter.Convert(full, fullStore);
        VectorStoreConverter.Convert(minus, minusStore);
        using var truth = VectorStore.Open(fullStore);
        using var typoAware = VectorStore.Open(minusStore);
        using var magnitude = VectorStore.Open(minusStore, new VectorStoreOptions { OutOfVocabularyMatching = OovMatching.Magnitude });
        string[] heldout = [.. File.ReadLines(heldoutPath).Where(l => l.Length > 0)];

        (double Cos, double Top, double Median) Score(Func<string, float[]> oov)
        {
            var cos = new List<double>();
            int hits = 0;
            foreach (string w in heldout)
            {
                float[] t = truth.GetVector(w);
                float[] v = oov(w);
                cos.Add(TensorPrimitives.Dot(t, v));
                string top1 = typoAware.MostSimilar(v, 1)[0].Key;
                hits += typoAware.MostSimilar(t, 10).Any(n => n.Key == top1) ? 1 : 0;
            }
            return (cos.Average(), hits / (double)heldout.Length, Median(cos));
        }
        var times = new List<double>();
        var rows = new List<(string Name, (double Cos, double Top, double Median) S)>
        {
            ("Manabi OOV, typo-aware matching (default)", Score(w =>
            {
                long t = Stopwatch.GetTimestamp();
                float[] v = typoAware.GetVector(w);
                times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                return v;
            })),
            ("Manabi OOV, Magnitude matching (equal weights)", Score(w => magnitude.GetVector(w))),
            ("random part only (n-gram seeded)", Score(typoAware.OutOfVocabularyRandomPart)),
        };
        var ft = await PythonAnchor.RunAsync("vectors_anchor.py", "fasttext-oov", full, Path.Combine(data, "ft-without-heldout.vec"), heldoutPath, Path.Combine(data, "heldout-fasttext.vec"));

        // Misspellings of stored words (one deletion, one doubled letter) in the full store.
        int tried = 0, nearestTypo = 0, nearestMagnitude = 0;
        using var fullMagnitude = VectorStore.Open(fullStore, new VectorStoreOptions { OutOfVocabularyMatching = OovMatching.Magnitude });
        foreach (string word in truth.Keys.Skip(100).Where(w => w.Length >= 6 && w.All(char.IsAsciiLetterLower)).Take(1000))
        {
            int middle = word.Length / 2;
            foreach (string typo in new[] { word.Remove(middle, 1), word.Insert(middle, word[middle].ToString()) })
            {
                if (truth.Contains(typo))
                {
                    continue;
                }
                tried++;
                nearestTypo += truth.MostSimilar(truth.GetVector(typo), 1)[0].Key == word ? 1 : 0;
                nearestMagnitude += fullMagnitude.MostSimilar(fullMagnitude.GetVector(typo), 1)[0].Key == word ? 1 : 0;
            }
        }

        var sb = new StringBuilder();
        sb.AppendLine(FormattableString.Invariant($"## OOV quality: {heldout.Length} held-out fastText words (length >= 7), store of {typoAware.Count:N0} x {typoAware.Dimensions}"));
        sb.AppendLine();
        sb.AppendLine(MachineFacts.Describe());
        sb.AppendLine();
        sb.AppendLine("| vectors for held-out words | mean cosine to true vector | median cosine | true top-10 contains OOV top-1 |");
        sb.AppendLine("|---|---:|---:|---:|");
        foreach (var (name, s) in rows)
        {
            sb.AppendLine(FormattableString.Invariant($"| {name} | {s.Cos:F3} | {s.Median:F3} | {s.Top:P1} |"));
        }
        sb.AppendLine(FormattableString.Invariant(
            $"| fastText subword vectors (model trained without the words; Procrustes-aligned for the cosine) | {ft.GetProperty("mean_cosine_aligned").GetDouble():F3} | {ft.GetProperty("median_cosine_aligned").GetDouble():F3} | {ft.GetProperty("top1_in_true_top10").GetDouble():P1} |"));
        sb.AppendLine();
        sb.AppendLine(FormattableString.Invariant($"OOV lookup time (uncached, held-out words): median {Median(times):F3} ms, max {times.Max():F2} ms."));
        sb.AppendLine();
        sb.AppendLine(FormattableString.Invariant(
            $"Misspellings (one deletion or one doubled letter in the middle of {tried} cases from 1,000 stored words of length >= 6): nearest stored word is the source in {nearestTypo / (double)tried:P1} (typo-aware), {nearestMagnitude / (double)tried:P1} (Magnitude matching)."));
        return sb.ToString();
    }
}
