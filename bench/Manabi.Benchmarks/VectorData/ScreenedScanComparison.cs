using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Manabi.Benchmarks.Compare;
using Manabi.VectorData;
using Microsoft.Extensions.VectorData;

namespace Manabi.Benchmarks.VectorData;

/// <summary>
/// <c>vectordata-scan [--n 100000] [--dim 384] [--queries 100] [--rounds 7] [--k 10] [--distance CosineSimilarity]</c>:
/// the exact scan of an <c>IndexKind.Flat</c> index, one thread, old float32 full scan (every row scored by
/// <c>VectorIndex.Rank</c> into <c>BestK</c>) against the int8-screened scan (<c>VectorIndex.Search</c>), on clustered
/// unit vectors with queries near stored rows. The two sides run in interleaved rounds (which one goes first
/// alternates) and must return the same ids in the same order.
/// </summary>
public static class ScreenedScanComparison
{
    public static int Run(string[] args)
    {
        string Arg(string name, string fallback) => Array.IndexOf(args, name) is var at and >= 0 ? args[at + 1] : fallback;
        int n = int.Parse(Arg("--n", "100000"), CultureInfo.InvariantCulture);
        int dim = int.Parse(Arg("--dim", "384"), CultureInfo.InvariantCulture);
        int queryCount = int.Parse(Arg("--queries", "100"), CultureInfo.InvariantCulture);
        int rounds = int.Parse(Arg("--rounds", "7"), CultureInfo.InvariantCulture);
        int k = int.Parse(Arg("--k", "10"), CultureInfo.InvariantCulture);
        string distance = Arg("--distance", DistanceFunction.CosineSimilarity);

        // Clustered like sentence embeddings: 1,000 centres, rows scattered around them, then made unit length.
        var rng = new Random(42);
        float[][] centres = [.. Enumerable.Range(0, 1000).Select(_ => Gaussian(rng, dim, 1))];
        var index = new VectorIndex("v", dim, distance, IndexKind.Flat);
        var clock = Stopwatch.StartNew();
        var row = new float[dim];
        for (int id = 1; id <= n; id++)
        {
            float[] centre = centres[rng.Next(centres.Length)];
            float[] noise = Gaussian(rng, dim, 0.5f);
            TensorPrimitives.Add(centre, noise, row);
            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
            index.Set(id, row);
        }
        double loadSeconds = clock.Elapsed.TotalSeconds;
        float[][] queries = [.. Enumerable.Range(0, queryCount).Select(_ =>
        {
            var q = index.Row(rng.Next(n)).ToArray();
            TensorPrimitives.Add(q, Gaussian(rng, dim, 0.02f), q);
            return q;
        })];

        var plainTimes = new List<double>();
        var screenedTimes = new List<double>();
        long rescored = 0;
        for (int round = -1; round < rounds; round++)
        {
            // Round −1 warms both sides up (JIT tiering, page faults) and checks that they agree.
            bool screenedFirst = round % 2 == 0;
            for (int side = 0; side < 2; side++)
            {
                bool screened = (side == 0) == screenedFirst;
                long start = Stopwatch.GetTimestamp();
                foreach (var q in queries)
                {
                    if (screened)
                    {
                        index.Search(q, k, null, null);
                        rescored += ScreenedRows.LastRescored;
                    }
                    else
                    {
                        PlainScan(index, q, k);
                    }
                }
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (round >= 0)
                {
                    (screened ? screenedTimes : plainTimes).Add(seconds);
                }
            }
            if (round == -1)
            {
                foreach (var q in queries)
                {
                    // Ids in order (the tests compare scores bit for bit, per distance function).
                    var expected = PlainScan(index, q, k).Select(r => r.Id);
                    var actual = index.Search(q, k, null, null).Select(r => r.Id);
                    if (!expected.SequenceEqual(actual))
                    {
                        Console.Error.WriteLine("the screened scan disagrees with the float32 scan");
                        return 1;
                    }
                }
                rescored = 0;
            }
        }
        double plainQps = queryCount / Stopwatches.Median(plainTimes);
        double screenedQps = queryCount / Stopwatches.Median(screenedTimes);
        Console.WriteLine($"// {n:N0} x {dim} clustered unit vectors ({distance}), top {k}, {queryCount} queries near stored rows, one thread, " +
            $"median of {rounds} interleaved rounds (loaded in {loadSeconds:F1} s)");
        Console.WriteLine($"float32 full scan:  {plainQps,10:F1} queries/s");
        Console.WriteLine($"int8-screened scan: {screenedQps,10:F1} queries/s   ({screenedQps / plainQps:F2}x)");
        Console.WriteLine($"rows rescored in float32: {(double)rescored / (rounds * queryCount):F1} per query of {n:N0}");
        var perRound = plainTimes.Zip(screenedTimes, (p, s) => p / s).ToList();
        int screenBytes = new ScreenedRows(dim, euclidean: index.Kind is ScoreKind.Euclidean or ScoreKind.EuclideanSquared).BytesPerRow;
        Console.WriteLine($"memory added per row: {screenBytes} bytes of int8 codes and bounds (the float32 row: {dim * sizeof(float)} bytes, +{100.0 * screenBytes / (dim * sizeof(float)):F1} %)");
        Console.WriteLine($"per-round speed-up median {Stopwatches.Median(perRound):F2}x (min {perRound.Min():F2}x, max {perRound.Max():F2}x)");
        return 0;
    }

    /// <summary>The scan as it was before the screen: every row scored in float32 (ids are slot + 1: rows were only added).</summary>
    private static List<(long Id, float Rank)> PlainScan(VectorIndex index, float[] query, int k)
    {
        var q = query.ToArray();
        var norm = TensorPrimitives.Norm(q);
        if (index.Kind is ScoreKind.CosineSimilarity or ScoreKind.CosineDistance && norm > 0)
        {
            TensorPrimitives.Divide(q, norm, q);
        }
        var top = new BestK(k);
        for (int slot = 0; slot < index.Count; slot++)
        {
            top.Offer(index.Rank(q, slot), slot, slot + 1);
        }
        return [.. top.Sorted().Select(r => ((long)r.Slot + 1, r.Rank))];
    }

    private static float[] Gaussian(Random rng, int dims, float sigma) =>
        [.. Enumerable.Range(0, dims).Select(_ => sigma * (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())))];
}
