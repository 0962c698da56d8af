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
/// efConstruction), filtered HNSW at 10 % and 1 %, reopen time and peak RSS. One query at a time, as an app asks.
/// </summary>
public static class VectorDataComparison
{
    public sealed class Row
    {
        [VectorStoreKey] public int Id { get; set; }
        [VectorStoreData(IsIndexed = true)] public int Bucket { get; set; }
        [VectorStoreVector(384, IndexKind = IndexKind.Flat)] public ReadOnlyMemory<float> Vector { get; set; }
    }

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
                using (var store = new ManabiVectorStore(dir))
                {
                    var collection = store.GetCollection<int, Row>(name, definition);
                    await collection.EnsureCollectionExistsAsync();
                    var clock = Stopwatch.StartNew();
                    foreach (var batch in rows.Chunk(1000))
                    {
                        await collection.UpsertAsync(batch);
                    }
                    results[name + "_upsert_per_s"] = n / clock.Elapsed.TotalSeconds;
                    collection.Dispose();
                }
                var reopen = Stopwatch.StartNew();
                using (var store = new ManabiVectorStore(dir))
                {
                    var collection = store.GetCollection<int, Row>(name, definition);
                    await collection.SearchAsync(queries[0], 10).ToListAsync();   // the first search loads the index
                    results[name + "_reopen_s"] = reopen.Elapsed.TotalSeconds;
                    var exact = new List<HashSet<int>>();
                    var clock = Stopwatch.StartNew();
                    foreach (var q in queries)
                    {
                        exact.Add((await collection.SearchAsync(q, 10).ToListAsync()).Select(r => r.Record.Id).ToHashSet());
                    }
                    results[name + "_qps"] = queries.Count / clock.Elapsed.TotalSeconds;
                    if (kind == IndexKind.Hnsw)
                    {
                        results["hnsw_recall"] = Recall(exact, queries, baseValues, dim, n, _ => true);
                        foreach (var (label, keep, filter) in new (string, Func<int, bool>, System.Linq.Expressions.Expression<Func<Row, bool>>)[]
                        {
                            ("filter10", i => i % 100 < 10, r => r.Bucket < 10),
                            ("filter1", i => i % 100 == 0, r => r.Bucket == 0),
                        })
                        {
                            var found = new List<HashSet<int>>();
                            clock.Restart();
                            foreach (var q in queries)
                            {
                                found.Add((await collection.SearchAsync(q, 10, new() { Filter = filter }).ToListAsync()).Select(r => r.Record.Id).ToHashSet());
                            }
                            results[label + "_qps"] = queries.Count / clock.Elapsed.TotalSeconds;
                            results[label + "_recall"] = Recall(found, queries, baseValues, dim, n, keep);
                        }
                    }
                    collection.Dispose();
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
        Line("HNSW queries/s (M 16, efC 128, ef 128)", results["hnsw_qps"], F("hnsw_qps"));
        Line("HNSW recall@10", results["hnsw_recall"], F("hnsw_recall"), "F3");
        Line("HNSW 10 % filter queries/s", results["filter10_qps"], F("filter10_qps"));
        Line("HNSW 10 % filter recall@10", results["filter10_recall"], F("filter10_recall"), "F3");
        Line("HNSW 1 % filter queries/s", results["filter1_qps"], F("filter1_qps"));
        Line("HNSW 1 % filter recall@10", results["filter1_recall"], F("filter1_recall"), "F3");
        Line("upsert vectors/s, Flat (durable, batches of 1,000)", results["flat_upsert_per_s"], double.NaN, "F0");
        Line("upsert vectors/s, HNSW (durable, batches of 1,000; FAISS: in-memory add)", results["hnsw_upsert_per_s"], n / F("hnsw_build_s"), "F0");
        Line("reopen + first search, Flat (s)", results["flat_reopen_s"], double.NaN, "F2");
        Line("reopen + first search, HNSW (s; rebuilds the graph)", results["hnsw_reopen_s"], double.NaN, "F2");
        Line("peak RSS (MB)", results["peak_rss_mb"], F("peak_rss_mb"), "F0");
        File.WriteAllText(Arg("--out"), md.ToString());
        Console.Write(md);
        return 0;
    }

    private static double Recall(List<HashSet<int>> found, List<ReadOnlyMemory<float>> queries, float[] values, int dim, int n, Func<int, bool> keep)
    {
        double total = 0;
        for (int q = 0; q < queries.Count; q++)
        {
            var truth = Enumerable.Range(0, n).Where(keep)
                .Select(i => (i, System.Numerics.Tensors.TensorPrimitives.Dot(queries[q].Span, values.AsSpan(i * dim, dim))))
                .OrderByDescending(x => x.Item2).Take(10).Select(x => x.i);
            total += truth.Count(found[q].Contains) / 10.0;
        }
        return total / queries.Count;
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
