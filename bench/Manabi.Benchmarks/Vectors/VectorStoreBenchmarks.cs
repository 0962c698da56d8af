using BenchmarkDotNet.Attributes;
using Manabi.Vectors;

namespace Manabi.Benchmarks.Vectors;

/// <summary>
/// BenchmarkDotNet timings of a store's lookups and searches. The store comes from MANABI_VECTORS_STORE (default
/// bench/data/vectors/synthetic-1m-300.mwv, made by `vectors perf`); run with `--filter *VectorStore*`.
/// </summary>
[MemoryDiagnoser]
public class VectorStoreBenchmarks
{
    private VectorStore _store = null!;
    private string[] _keys = [];
    private float[] _buffer = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        string path = Environment.GetEnvironmentVariable("MANABI_VECTORS_STORE") ?? "bench/data/vectors/synthetic-1m-300.mwv";
        _store = VectorStore.Open(path);
        var rng = new Random(7);
        _keys = [.. Enumerable.Range(0, 4096).Select(_ => _store.GetKey(rng.Next(_store.Count)))];
        _buffer = new float[_store.Dimensions];
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    private string NextKey() => _keys[_next++ & 4095];

    [Benchmark]
    public int LookupInto() => _store.LookupInto(NextKey(), _buffer);

    [Benchmark]
    public float[] GetVector() => _store.GetVector(NextKey());

    [Benchmark]
    public float[,] Batch100() => _store.Query(new ArraySegment<string>(_keys, (_next++ & 31) * 100, 100));

    [Benchmark]
    public float[] OutOfVocabulary() => _store.OutOfVocabularyVector(NextKey() + "zq" + _next);

    [Benchmark]
    public IReadOnlyList<Neighbor> MostSimilarExact() => _store.MostSimilar(NextKey(), 10);

    [Benchmark]
    public IReadOnlyList<Neighbor> MostSimilarApproximate() =>
        _store.HasApproximateIndex ? _store.MostSimilar(NextKey(), 10, approximate: true) : [];

    [Benchmark]
    public VectorStore Open()
    {
        var s = VectorStore.Open(_store.Path);
        s.Dispose();
        return s;
    }
}
