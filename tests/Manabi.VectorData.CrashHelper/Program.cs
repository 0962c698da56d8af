using Manabi.VectorData;
using Microsoft.Extensions.VectorData;

// Modes:
//   write DIR BATCHSIZE  — upserts batches forever from the next batch number, printing "committed N" after each
//                          commit (the parent kills it with SIGKILL at a random moment).
//   snapshots DIR BATCHSIZE THRESHOLD — the same on a collection with a Flat and an HNSW property whose search
//                          structures are saved every THRESHOLD changed rows, so kills land inside snapshot writes too.
//   hold DIR             — opens the store, prints "open", and waits for a line on stdin.
//   open DIR             — tries to open the store: exit 0 if it opened, 3 with the error on stderr if not.
try
{
    switch (args[0])
    {
        case "write":
        {
            int size = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
            using var store = new ManabiVectorStore(args[1]);
            var collection = store.GetCollection<long, CrashRecord>("crash");
            await collection.EnsureCollectionExistsAsync();
            long next = 0;
            await foreach (var last in collection.GetAsync(r => r.Batch >= 0, 1, new() { OrderBy = o => o.Descending(r => r.Batch) }))
            {
                next = last.Batch + 1;
            }
            Console.WriteLine("ready");
            for (long batch = next; ; batch++)
            {
                var records = Enumerable.Range(0, size).Select(i => CrashRecord.Make(batch, size, i)).ToList();
                await collection.UpsertAsync(records);
                Console.WriteLine($"committed {batch}");
            }
        }
        case "snapshots":
        {
            int size = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
            using var store = new ManabiVectorStore(args[1]);
            var collection = (ManabiCollection<long, CrashGraphRecord>)store.GetCollection<long, CrashGraphRecord>("graph");
            await collection.EnsureCollectionExistsAsync();
            (await collection.IndexAsync()).SnapshotThreshold = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
            var next = await collection.GetAsync(r => r.Batch >= 0, int.MaxValue).CountAsync() / size;
            Console.WriteLine("ready");
            for (long batch = next; ; batch++)
            {
                var records = Enumerable.Range(0, size).Select(i => CrashGraphRecord.Make(batch, size, i)).ToList();
                await collection.UpsertAsync(records);
                Console.WriteLine($"committed {batch}");
            }
        }
        case "hold":
        {
            using var store = new ManabiVectorStore(args[1]);
            var collection = store.GetCollection<long, CrashRecord>("crash");
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(CrashRecord.Make(0, 1, 0));
            Console.WriteLine("open");
            Console.ReadLine();
            return 0;
        }
        case "open":
        {
            using var store = new ManabiVectorStore(args[1]);
            return 0;
        }
        default:
            Console.Error.WriteLine($"unknown mode {args[0]}");
            return 2;
    }
}
catch (VectorStoreException e)
{
    Console.Error.WriteLine(e.Message);
    return 3;
}

/// <summary>One record of a crash-test batch: its vector is a function of its key, so a reader can check it.</summary>
public sealed class CrashRecord
{
    public const int Dimensions = 16;

    [VectorStoreKey]
    public long Id { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public long Batch { get; set; }

    [VectorStoreVector(Dimensions)]
    public ReadOnlyMemory<float> Vector { get; set; }

    public static CrashRecord Make(long batch, int size, int i)
    {
        var id = batch * size + i;
        return new CrashRecord { Id = id, Batch = batch, Vector = VectorOf(id) };
    }

    public static float[] VectorOf(long id)
    {
        var random = new Random((int)(id * 7919 % int.MaxValue));
        return Enumerable.Range(0, Dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }
}

/// <summary>A crash-test record with the same vector in a Flat and an HNSW property (snapshot mode).</summary>
public sealed class CrashGraphRecord
{
    [VectorStoreKey]
    public long Id { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public long Batch { get; set; }

    [VectorStoreVector(CrashRecord.Dimensions)]
    public ReadOnlyMemory<float> Exact { get; set; }

    [VectorStoreVector(CrashRecord.Dimensions, IndexKind = IndexKind.Hnsw)]
    public ReadOnlyMemory<float> Graph { get; set; }

    public static CrashGraphRecord Make(long batch, int size, int i)
    {
        var id = batch * size + i;
        var vector = CrashRecord.VectorOf(id);
        return new CrashGraphRecord { Id = id, Batch = batch, Exact = vector, Graph = vector };
    }
}
