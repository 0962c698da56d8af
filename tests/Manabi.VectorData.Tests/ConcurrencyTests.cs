using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task ReadersRunWhileOneWriterUpsertsAndDeletes()
    {
        using var dir = new TempDirectory();
        using var store = new ManabiVectorStore(dir.Path);
        using var points = store.GetCollection<long, SearchTests.Point>("points");
        await points.EnsureCollectionExistsAsync();
        var random = new Random(8);
        var all = Enumerable.Range(1, 2000).Select(i => new SearchTests.Point { Id = i, Group = i % 4, Vector = Hotel.RandomVector(random, 16) }).ToList();
        await points.UpsertAsync(all.Take(500));
        using var stop = new CancellationTokenSource();
        // The writers start once every reader has read once, so that reads and writes overlap.
        using var readersStarted = new CountdownEvent(4);
        // Two writers through two collection objects: writes queue behind one another.
        using var other = store.GetCollection<long, SearchTests.Point>("points");
        var readerTasks = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            var reads = 0;
            var q = Hotel.RandomVector(new Random(r), 16);
            while (!stop.IsCancellationRequested)
            {
                var hits = await points.SearchAsync(q, 5, new() { Filter = p => p.Group != 3 }).ToListAsync();
                Assert.All(hits, h => Assert.NotEqual(3, h.Record.Group));
                Assert.NotNull(await other.GetAsync(1));
                if (reads++ == 0)
                {
                    readersStarted.Signal();
                }
            }
            return reads;
        })).ToArray();
        var writers = new[]
        {
            Task.Run(async () => { readersStarted.Wait(); foreach (var batch in all.Skip(500).Take(750).Chunk(50)) { await points.UpsertAsync(batch); } }),
            Task.Run(async () => { readersStarted.Wait(); foreach (var batch in all.Skip(1250).Chunk(50)) { await other.UpsertAsync(batch); await other.DeleteAsync(batch.Take(5).Select(p => p.Id)); } }),
        };
        await Task.WhenAll(writers);
        stop.Cancel();
        var counts = await Task.WhenAll(readerTasks);
        Assert.All(counts, c => Assert.True(c > 1, $"a reader read {c} times"));
        // The final state: everything written, minus the deleted ones, and search agrees with a brute-force scan.
        var deleted = all.Skip(1250).Chunk(50).SelectMany(b => b.Take(5)).Select(p => p.Id).ToHashSet();
        var stored = await points.GetAsync(p => true, 5000, new() { IncludeVectors = true }).ToListAsync();
        Assert.Equal(all.Count - deleted.Count, stored.Count);
        var query = Hotel.RandomVector(new Random(99), 16);
        var expected = stored.OrderByDescending(p => FilterTests.Cosine(query, p.Vector)).Take(10).Select(p => p.Id);
        Assert.Equal(expected, (await points.SearchAsync(query, 10).ToListAsync()).Select(r => r.Record.Id));
    }
}
