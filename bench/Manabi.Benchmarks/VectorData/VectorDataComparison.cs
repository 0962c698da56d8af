using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Manabi.VectorData;
using Microsoft.Extensions.VectorData;

namespace Manabi.Benchmarks.VectorData;

/// <summary>
/// <c>vectordata --data DIR --n N --dim D --faiss FAISS.json --out OUT.md</c>: Manabi.VectorData against the FAISS
/// anchor (bench/anchors/vectordata_anchor.py) on the same vectors: durable upsert rate (batches of 1,000), exact
/// top-10 queries/s (IndexKind.Flat vs IndexFlatIP), HNSW queries/s and recall@10 (vs IndexHNSWFlat, same M and
/// efConstruction), filtered HNSW at 30 %, 10 %, 3 % and 1 %, the background graph linking rate (vs FAISS's add), closing
/// (which saves the snapshot), reopening plus the first search (which reads it back), resident and peak RSS. One query
/// at a time, as an app asks; recall is against a brute-force scan computed here. Then the HNSW recall/queries-per-second
/// curve over <c>--ef-sweep</c> (ManabiCollectionOptions.HnswEfSearch) beside FAISS's over efSearch, and queries/s at equal recall.
/// </summary>
public static class VectorDataComparison
{
    public sealed class Row
    {
        [VectorStoreKey] public int Id { get; set; }
        [VectorStoreData(IsIndexed = true)] public int Bucket { get; set; }
        [VectorStoreVector(384, IndexKind = IndexKind.Flat)] public ReadOnlyMemory<float> Vector { get; set; }
    }

    /// <summary>The filters' selectivities in %: each keeps the rows whose id % 100 is below it (as the FAISS anchor).</summary>
    private static readonly int[] FilterPercents = [30, 10, 3, 1];

    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name) => args[Array.IndexOf(args, name) + 1];
        string data = Arg("--data");
        int n = int.Parse(Arg("--n"), CultureInfo.InvariantCulture);
        int dim = int.Parse(Arg("--dim"), CultureInfo.InvariantCulture);
        var faiss = JsonDocument.Parse(File.ReadAllText(Arg("--faiss"))).RootElement;
        float[] baseValues = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(data, "base.f32"))).ToArray();
        float[] queryValues = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(data, "queries.f32"))).ToArray();
        var rows = Enumerable.Range(0, n).Select(i => new Row { Id = i, Bucket = i % 100, Vector = baseValues.AsMemory(i * dim, dim) }).ToList();
        var queries = Enumerable.Range(0, queryValues.Length / dim).Select(q => (ReadOnlyMemory<float>)queryValues.AsMemory(q * dim, dim)).ToList();
        string dir = Path.Combine(Path.GetTempPath(), "manabi-vdata-bench-" + Guid.NewGuid().ToString("N"));
        var results = new Dictionary<string, double>();
        int[] efs = [.. (Array.IndexOf(args, "--ef-sweep") >= 0 ? Arg("--ef-sweep") : "16,24,32,48,64,96,128,192,256")
            .Split(',', StringSplitOptions.RemoveEmptyEntries).Select(e => int.Parse(e, CultureInfo.InvariantCulture))];
        List<(int Ef, double Qps, double Recall)> sweep = [];
        try
        {
            foreach (var kind in new[] { IndexKind.Flat, IndexKind.Hnsw })
            {
                var definition = new VectorStoreCollectionDefinition
                {
                    Properties =
                    [
                        new VectorStoreKeyProperty("Id", typeof(int)),
                        new VectorStoreDataProperty("Bucket", typeof(int)) { IsIndexed = true },
                        new VectorStoreVectorProperty("Vector", typeof(ReadOnlyMemory<float>), dim) { IndexKind = kind, DistanceFunction = DistanceFunction.DotProductSimilarity },
                    ],
                };
                string name = kind.ToLowerInvariant();
                var timer = Stopwatch.StartNew();
                using (var store = new ManabiVectorStore(dir))
                {
                    var collection = store.GetCollection<int, Row>(name, definition);
                    await collection.EnsureCollectionExistsAsync();
                    timer.Restart();
                    foreach (var batch in rows.Chunk(1000))
                    {
                        await collection.UpsertAsync(batch);
                    }
                    results[name + "_upsert_per_s"] = n / timer.Elapsed.TotalSeconds;
                    // HNSW rows are linked in the background after the upserts return; the graph is complete here.
                    await ((ManabiCollection<int, Row>)collection).WaitForIndexAsync();
                    results[name + "_indexed_per_s"] = n / timer.Elapsed.TotalSeconds;
                    timer.Restart();
                    collection.Dispose();
                }
                results[name + "_close_s"] = timer.Elapsed.TotalSeconds;
                var snapshot = new FileInfo(Path.Combine(dir, "indexes", name + ".mvi"));
                results[name + "_snapshot_mb"] = snapshot.Exists ? snapshot.Length / 1048576.0 : double.NaN;
                GC.Collect();
                var reopen = Stopwatch.StartNew();
                using (var store = new ManabiVectorStore(dir))
                {
                    var collection = store.GetCollection<int, Row>(name, definition);
                    await collection.SearchAsync(queries[0], 10).ToListAsync();   // the first search loads the index
                    results[name + "_reopen_s"] = reopen.Elapsed.TotalSeconds;
                    results[name + "_rss_mb"] = Process.GetCurrentProcess().WorkingSet64 / 1048576.0;
                    var exact = new List<HashSet<int>>();
                    var clock = Stopwatch.StartNew();
                    foreach (var q in queries)
                    {
                        exact.Add((await collection.SearchAsync(q, 10).ToListAsync()).Select(r => r.Record.Id).ToHashSet());
                    }
                    results[name + "_qps"] = queries.Count / clock.Elapsed.TotalSeconds;
                    if (kind == IndexKind.Flat)
                    {
                        results["flat_recall"] = Recall(exact, queries, baseValues, dim, n, _ => true);
                    }
                    if (kind == IndexKind.Hnsw)
                    {
                        results["hnsw_recall"] = Recall(exact, queries, baseValues, dim, n, _ => true);
                        foreach (var percent in FilterPercents)
                        {
                            // As the FAISS anchor's filters: the ids whose id % 100 is below the percentage.
                            string label = "filter" + percent.ToString(CultureInfo.InvariantCulture);
                            Func<int, bool> keep = i => i % 100 < percent;
                            System.Linq.Expressions.Expression<Func<Row, bool>> filter = r => r.Bucket < percent;
                            // Best of 3 passes, as the ef sweep: a pass of 200 queries lasts 0.1-0.5 s, short enough
                            // for the first pass through a code path (walk or scan) to be timed before the JIT's tier-up.
                            var (best, found) = await BestOfThreePassesAsync(queries, async q =>
                                (await collection.SearchAsync(q, 10, new() { Filter = filter }).ToListAsync()).Select(r => r.Record.Id).ToHashSet());
                            results[label + "_qps"] = best;
                            results[label + "_recall"] = Recall(found, queries, baseValues, dim, n, keep);
                        }
                    }
                    collection.Dispose();
                    if (kind == IndexKind.Hnsw)
                    {
                        sweep = await SweepAsync(dir, name, definition, queries, baseValues, dim, n, efs);
                    }
                }
            }
            results["peak_rss_mb"] = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
        }
        finally
        {
            ManabiVectorStore.Delete(dir);
        }
        double F(string key) => faiss.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Manabi.VectorData vs FAISS {faiss.GetProperty("faiss").GetString()} — {n:N0} × {dim}, {queries.Count} queries, top-10, 1 thread, one query at a time");
        md.AppendLine();
        md.AppendLine("| measure | Manabi.VectorData | FAISS | ratio |");
        md.AppendLine("|---|---:|---:|---:|");
        void Line(string label, double manabi, double anchor, string format = "F1") =>
            md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {manabi.ToString(format, CultureInfo.InvariantCulture)} | {(double.IsNaN(anchor) ? "—" : anchor.ToString(format, CultureInfo.InvariantCulture))} | {(double.IsNaN(anchor) ? "—" : (manabi / anchor).ToString("F2", CultureInfo.InvariantCulture) + "×")} |");
        Line("exact top-10 queries/s (Flat vs IndexFlatIP)", results["flat_qps"], F("flat_qps"));
        Line("exact top-10 recall@10 (must be 1)", results["flat_recall"], 1.0, "F3");
        Line("HNSW queries/s (M 16, efC 128, ef 128)", results["hnsw_qps"], F("hnsw_qps"));
        Line("HNSW recall@10", results["hnsw_recall"], F("hnsw_recall"), "F3");
        foreach (var percent in FilterPercents)
        {
            string label = "filter" + percent.ToString(CultureInfo.InvariantCulture);
            Line($"HNSW {percent} % filter queries/s", results[label + "_qps"], F(label + "_qps"));
            Line($"HNSW {percent} % filter recall@10", results[label + "_recall"], F(label + "_recall"), "F3");
        }
        Line("upsert vectors/s, Flat (durable, batches of 1,000)", results["flat_upsert_per_s"], double.NaN, "F0");
        Line("upsert vectors/s, HNSW (durable and searchable, batches of 1,000)", results["hnsw_upsert_per_s"], double.NaN, "F0");
        Line($"HNSW graph complete, vectors/s (Manabi: upsert + background linking, 1 thread; FAISS: add, {F("build_threads"):F0} threads)",
            results["hnsw_indexed_per_s"], n / F("hnsw_build_s"), "F0");
        Line("close (saves the snapshot), Flat (s)", results["flat_close_s"], double.NaN, "F2");
        Line("close (saves the snapshot), HNSW (s)", results["hnsw_close_s"], double.NaN, "F2");
        Line("snapshot file, Flat (MB)", results["flat_snapshot_mb"], double.NaN, "F0");
        Line("snapshot file, HNSW (MB)", results["hnsw_snapshot_mb"], double.NaN, "F0");
        Line("reopen + first search, Flat (s; reads the snapshot)", results["flat_reopen_s"], double.NaN, "F2");
        Line("reopen + first search, HNSW (s; reads the snapshot)", results["hnsw_reopen_s"], double.NaN, "F2");
        Line("RSS after reopening the HNSW collection (MB; FAISS: peak)", results["hnsw_rss_mb"], F("peak_rss_mb"), "F0");
        Line("peak RSS (MB; Manabi also holds the benchmark's own copy of the vectors)", results["peak_rss_mb"], F("peak_rss_mb"), "F0");
        var faissSweep = faiss.TryGetProperty("hnsw_sweep", out var fs)
            ? fs.EnumerateArray().Select(e => (Ef: e.GetProperty("ef").GetInt32(), Qps: e.GetProperty("qps").GetDouble(), Recall: e.GetProperty("recall").GetDouble())).ToList()
            : [];
        md.AppendLine();
        md.AppendLine("HNSW recall/speed curves (the same graphs as above; best of 3 passes over the queries per ef):");
        md.AppendLine();
        md.AppendLine("| ef | Manabi queries/s | Manabi recall@10 | FAISS queries/s | FAISS recall@10 |");
        md.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (int ef in efs.Union(faissSweep.Select(f => f.Ef)).Order())
        {
            var m = sweep.FirstOrDefault(x => x.Ef == ef);
            var f = faissSweep.FirstOrDefault(x => x.Ef == ef);
            string Cell(double v, string format) => v == 0 ? "—" : v.ToString(format, CultureInfo.InvariantCulture);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {ef} | {Cell(m.Qps, "F0")} | {Cell(m.Recall, "F3")} | {Cell(f.Qps, "F0")} | {Cell(f.Recall, "F3")} |");
        }
        md.AppendLine();
        md.AppendLine("Queries/s at equal recall (each curve interpolated linearly in recall, logarithmically in queries/s; — where a curve does not reach it):");
        md.AppendLine();
        md.AppendLine("| recall@10 | Manabi queries/s | FAISS queries/s | Manabi / FAISS |");
        md.AppendLine("|---:|---:|---:|---:|");
        var defaultPoint = sweep.FirstOrDefault(x => x.Ef == ManabiVectorStoreOptions.DefaultHnswEfSearch);
        foreach (double target in new[] { 0.90, 0.95, 0.97, 0.98, 0.99, defaultPoint.Recall }.Where(t => t > 0).Distinct().Order())
        {
            double mq = QpsAtRecall(sweep, target), fq = QpsAtRecall(faissSweep, target);
            string label = target == defaultPoint.Recall ? $"{target:F3} (Manabi's default ef {defaultPoint.Ef})" : target.ToString("F2", CultureInfo.InvariantCulture);
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {label} | {(double.IsNaN(mq) ? "—" : mq.ToString("F0", CultureInfo.InvariantCulture))} | {(double.IsNaN(fq) ? "—" : fq.ToString("F0", CultureInfo.InvariantCulture))} | {(double.IsNaN(mq) || double.IsNaN(fq) ? "—" : (mq / fq).ToString("F2", CultureInfo.InvariantCulture) + "×")} |");
        }
        File.WriteAllText(Arg("--out"), md.ToString());
        Console.Write(md);
        return 0;
    }

    /// <summary>
    /// Reopens the HNSW collection once per search breadth and measures queries/s (best of three passes, one query at a
    /// time) and recall@10 over the same queries: the curve that "queries/s at equal recall" is read from.
    /// </summary>
    private static async Task<List<(int Ef, double Qps, double Recall)>> SweepAsync(string dir, string name, VectorStoreCollectionDefinition definition,
        List<ReadOnlyMemory<float>> queries, float[] values, int dim, int n, int[] efs)
    {
        var curve = new List<(int, double, double)>();
        foreach (int ef in efs)
        {
            using var collection = new ManabiCollection<int, Row>(dir, name, new ManabiCollectionOptions { Definition = definition, HnswEfSearch = ef });
            await collection.SearchAsync(queries[0], 10).ToListAsync();
            var (best, found) = await BestOfThreePassesAsync(queries, async q =>
                (await collection.SearchAsync(q, 10).ToListAsync()).Select(r => r.Record.Id).ToHashSet());
            curve.Add((ef, best, Recall(found, queries, values, dim, n, _ => true)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ef {ef}: {best:F0} queries/s, recall@10 {curve[^1].Item3:F3}"));
        }
        return curve;
    }

    /// <summary>
    /// Runs every query one at a time, three times over, and returns the best pass's queries/s with the ids the last
    /// pass found: the first pass may be timed before the JIT's tier-up of the path it takes.
    /// </summary>
    private static async Task<(double Qps, List<HashSet<int>> Found)> BestOfThreePassesAsync(
        List<ReadOnlyMemory<float>> queries, Func<ReadOnlyMemory<float>, Task<HashSet<int>>> search)
    {
        double best = 0;
        List<HashSet<int>> found = [];
        for (int pass = 0; pass < 3; pass++)
        {
            found = [];
            var clock = Stopwatch.StartNew();
            foreach (var q in queries)
            {
                found.Add(await search(q));
            }
            best = Math.Max(best, queries.Count / clock.Elapsed.TotalSeconds);
        }
        return (best, found);
    }

    /// <summary>
    /// Queries/s at <paramref name="target"/> recall on a curve ordered by ef: between the two points around it, linear in
    /// recall and logarithmic in queries/s; NaN where the curve does not reach the target.
    /// </summary>
    private static double QpsAtRecall(List<(int Ef, double Qps, double Recall)> curve, double target)
    {
        var points = curve.OrderBy(p => p.Ef).ToList();
        for (int i = 0; i < points.Count; i++)
        {
            if (points[i].Recall >= target)
            {
                if (i == 0 || points[i].Recall == target)
                {
                    return i == 0 && points[i].Recall > target ? double.NaN : points[i].Qps;
                }
                var (lo, hi) = (points[i - 1], points[i]);
                double t = (target - lo.Recall) / (hi.Recall - lo.Recall);
                return Math.Exp(Math.Log(lo.Qps) + t * (Math.Log(hi.Qps) - Math.Log(lo.Qps)));
            }
        }
        return double.NaN;
    }

    /// <summary>Mean recall@10 of <paramref name="found"/> against a brute-force top 10 over the rows <paramref name="keep"/> accepts.</summary>
    private static double Recall(List<HashSet<int>> found, List<ReadOnlyMemory<float>> queries, float[] values, int dim, int n, Func<int, bool> keep)
    {
        var total = new double[queries.Count];
        Parallel.For(0, queries.Count, q =>
        {
            var best = new PriorityQueue<int, float>(); // the worst of the 10 best first
            for (int i = 0; i < n; i++)
            {
                if (!keep(i))
                {
                    continue;
                }
                var score = System.Numerics.Tensors.TensorPrimitives.Dot(queries[q].Span, values.AsSpan(i * dim, dim));
                if (best.Count < 10)
                {
                    best.Enqueue(i, score);
                }
                else if (best.TryPeek(out _, out var worst) && score > worst)
                {
                    best.DequeueEnqueue(i, score);
                }
            }
            var hits = 0;
            while (best.TryDequeue(out var id, out _))
            {
                hits += found[q].Contains(id) ? 1 : 0;
            }
            total[q] = hits / 10.0;
        });
        return total.Average();
    }

    private static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }
        return list;
    }
}
