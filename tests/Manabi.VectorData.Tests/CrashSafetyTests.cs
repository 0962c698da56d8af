using System.Diagnostics;
using Microsoft.Extensions.VectorData;
using Xunit.Abstractions;

namespace Manabi.VectorData.Tests;

/// <summary>
/// A child process (tests/Manabi.VectorData.CrashHelper) writes batches and is killed with SIGKILL at random
/// moments; every reopen must find each reported batch whole, no part of the interrupted one, and search results
/// equal to a brute-force scan of what is stored.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    private const int BatchSize = 40;

    private static ProcessStartInfo Helper(params string[] args)
    {
        var helper = Path.Combine(AppContext.BaseDirectory, "Manabi.VectorData.CrashHelper.dll");
        Assert.True(File.Exists(helper), $"the crash helper is missing: {helper} (built by the ProjectReference)");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(helper);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return info;
    }

    // Bounded reads: a stuck child fails the test with a message instead of hanging the run.
    private static async Task<string?> ReadLineAsync(Process child, string what)
    {
        try
        {
            return await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            child.Kill();
            throw new TimeoutException($"the crash helper gave no line within 20 s ({what})");
        }
    }

    [Fact]
    public async Task KilledWritersLeaveWholeBatchesAndAConsistentIndex()
    {
        using var dir = new TempDirectory();
        var random = new Random(2024);
        long reported = -1;
        var clock = Stopwatch.StartNew();
        int kills = 0;
        // 50 kills, bounded in time so a slow machine still finishes well under a minute.
        while (kills < 50 && clock.Elapsed < TimeSpan.FromSeconds(40))
        {
            using var child = Process.Start(Helper("write", dir.Path, BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
            var ready = await ReadLineAsync(child, $"start {kills}");
            if (ready != "ready")
            {
                Assert.Fail($"the helper did not start: {ready} {await child.StandardError.ReadToEndAsync()}");
            }
            // Kill after a random number of commits (0-3) plus a random sliver of the next batch.
            var commits = random.Next(4);
            for (int i = 0; i < commits; i++)
            {
                var line = await ReadLineAsync(child, $"commit {i} of child {kills}");
                Assert.NotNull(line);
                reported = Math.Max(reported, long.Parse(line!["committed ".Length..], System.Globalization.CultureInfo.InvariantCulture));
            }
            Thread.Sleep(random.Next(0, 4));
            child.Kill(); // SIGKILL on Unix
            Assert.True(child.WaitForExit(10_000), $"child {kills} did not die");
            kills++;
        }
        Assert.True(kills >= 20, $"only {kills} kills fitted in the time");
        output.WriteLine($"{kills} kills in {clock.Elapsed.TotalSeconds:F1} s; last reported batch {reported}");

        using var store = new ManabiVectorStore(dir.Path);
        using var collection = store.GetCollection<long, CrashRecord>("crash");
        var all = await collection.GetAsync(r => true, int.MaxValue, new() { IncludeVectors = true }).ToListAsync();
        var batches = all.GroupBy(r => r.Batch).ToDictionary(g => g.Key, g => g.ToList());
        // Every batch is whole; batches are consecutive from 0; each reported commit is there.
        Assert.All(batches, b => Assert.Equal(BatchSize, b.Value.Count));
        var last = batches.Keys.Max();
        Assert.Equal(Enumerable.Range(0, (int)last + 1).Select(i => (long)i), batches.Keys.Order());
        Assert.True(last >= reported, $"batch {reported} was reported committed but the store ends at {last}");
        Assert.All(all, r => Assert.Equal(CrashRecord.VectorOf(r.Id), r.Vector.ToArray()));
        output.WriteLine($"{batches.Count} whole batches ({all.Count} records) after the kills");

        // The search structures rebuilt on open equal a brute-force scan of the stored records.
        for (int trial = 0; trial < 5; trial++)
        {
            var q = CrashRecord.VectorOf(1_000_000 + trial);
            var expected = all.OrderByDescending(r => FilterTests.Cosine(q, r.Vector.Span)).Take(10).Select(r => r.Id).ToList();
            var actual = await collection.SearchAsync(q, 10).ToListAsync();
            Assert.Equal(expected, actual.Select(r => r.Record.Id));
        }
    }

    [Fact]
    public async Task KillsDuringSnapshotWritesLeaveAConsistentStore()
    {
        using var dir = new TempDirectory();
        var random = new Random(4048);
        long reported = -1;
        var clock = Stopwatch.StartNew();
        int kills = 0, snapshotsSeen = 0;
        var snapshot = Path.Combine(dir.Path, "indexes", "graph.mvi");
        // Snapshots every 120 changed rows (or half the rows): with 40-record batches most kills fall near one.
        while (kills < 30 && clock.Elapsed < TimeSpan.FromSeconds(40))
        {
            using var child = Process.Start(Helper("snapshots", dir.Path, BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "120"))!;
            var ready = await ReadLineAsync(child, $"start {kills}");
            if (ready != "ready")
            {
                Assert.Fail($"the helper did not start: {ready} {await child.StandardError.ReadToEndAsync()}");
            }
            var commits = random.Next(1, 8);
            for (int i = 0; i < commits; i++)
            {
                var line = await ReadLineAsync(child, $"commit {i} of child {kills}");
                Assert.NotNull(line);
                reported = Math.Max(reported, long.Parse(line!["committed ".Length..], System.Globalization.CultureInfo.InvariantCulture));
            }
            // Half the kills right after a commit, half later, when the worker is linking or saving. The first child
            // lives until it has saved a snapshot (a loaded machine might otherwise kill every child before one).
            Thread.Sleep(random.Next(2) == 0 ? random.Next(0, 6) : random.Next(20, 400));
            for (var wait = Stopwatch.StartNew(); kills == 0 && !File.Exists(snapshot) && wait.Elapsed < TimeSpan.FromSeconds(30);)
            {
                Thread.Sleep(20);
            }
            child.Kill();
            Assert.True(child.WaitForExit(10_000), $"child {kills} did not die");
            kills++;
            snapshotsSeen += File.Exists(snapshot) ? 1 : 0;
        }
        Assert.True(kills >= 15, $"only {kills} kills fitted in the time");
        Assert.True(snapshotsSeen > 0, "no snapshot was ever written: the test did not exercise them");
        output.WriteLine($"{kills} kills in {clock.Elapsed.TotalSeconds:F1} s, a snapshot present after {snapshotsSeen}; last reported batch {reported}");

        List<(long Id, float[] Vector)> stored;
        List<List<long>> exactResults = [];
        using (var store = new ManabiVectorStore(dir.Path))
        using (var collection = (ManabiCollection<long, CrashGraphRecord>)store.GetCollection<long, CrashGraphRecord>("graph"))
        {
            var all = await collection.GetAsync(r => true, int.MaxValue, new() { IncludeVectors = true }).ToListAsync();
            var batches = all.GroupBy(r => r.Batch).ToDictionary(g => g.Key, g => g.Count());
            Assert.All(batches, b => Assert.Equal(BatchSize, b.Value));
            Assert.True(batches.Keys.Max() >= reported, $"batch {reported} was reported committed but the store ends at {batches.Keys.Max()}");
            Assert.All(all, r => Assert.Equal(CrashRecord.VectorOf(r.Id), r.Graph.ToArray()));
            stored = all.Select(r => (r.Id, r.Exact.ToArray())).ToList();
            await collection.WaitForIndexAsync();
            double found = 0;
            for (int trial = 0; trial < 10; trial++)
            {
                var q = CrashRecord.VectorOf(2_000_000 + trial);
                var expected = stored.OrderByDescending(r => FilterTests.Cosine(q, r.Vector)).Take(10).Select(r => r.Id).ToList();
                var exact = await collection.SearchAsync(q, 10, new() { VectorProperty = r => r.Exact }).ToListAsync();
                Assert.Equal(expected, exact.Select(r => r.Record.Id));
                exactResults.Add(expected);
                var graph = await collection.SearchAsync(q, 10, new() { VectorProperty = r => r.Graph }).ToListAsync();
                Assert.Equal(graph.Count, graph.Select(r => r.Record.Id).Distinct().Count());
                found += graph.Count(r => expected.Contains(r.Record.Id));
            }
            Assert.True(found / 100 >= 0.9, $"HNSW recall@10 after the kills {found / 100:F2}");
        }
        // And the same as a rebuild from the records alone.
        File.Delete(snapshot);
        using (var store = new ManabiVectorStore(dir.Path))
        using (var collection = store.GetCollection<long, CrashGraphRecord>("graph"))
        {
            for (int trial = 0; trial < 10; trial++)
            {
                var rebuilt = await collection.SearchAsync(CrashRecord.VectorOf(2_000_000 + trial), 10, new() { VectorProperty = r => r.Exact }).ToListAsync();
                Assert.Equal(exactResults[trial], rebuilt.Select(r => r.Record.Id));
            }
        }
    }

    [Fact]
    public async Task ASecondProcessGetsAClearErrorAndTheDataStaysIntact()
    {
        using var dir = new TempDirectory();
        using (var holder = Process.Start(Helper("hold", dir.Path))!)
        {
            Assert.Equal("open", await ReadLineAsync(holder, "hold"));
            var error = Assert.Throws<VectorStoreException>(() => new ManabiVectorStore(dir.Path));
            Assert.Contains("in use by another process", error.Message, StringComparison.Ordinal);
            await holder.StandardInput.WriteLineAsync();
            await holder.WaitForExitAsync();
            Assert.Equal(0, holder.ExitCode);
        }
        using (var store = new ManabiVectorStore(dir.Path))
        using (var collection = store.GetCollection<long, CrashRecord>("crash"))
        {
            var record = await collection.GetAsync(0, new() { IncludeVectors = true });
            Assert.NotNull(record);
            Assert.Equal(CrashRecord.VectorOf(0), record.Vector.ToArray());
            // And the other way round: this process holds it, the child is refused with the message.
            using var opener = Process.Start(Helper("open", dir.Path))!;
            var stderr = await opener.StandardError.ReadToEndAsync();
            await opener.WaitForExitAsync();
            Assert.Equal(3, opener.ExitCode);
            Assert.Contains("in use by another process", stderr, StringComparison.Ordinal);
        }
    }
}
