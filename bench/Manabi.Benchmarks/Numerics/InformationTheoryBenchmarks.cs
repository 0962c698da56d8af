using BenchmarkDotNet.Attributes;
using Manabi.Numerics;

namespace Manabi.Benchmarks.Numerics;

/// <summary>Row-wise entropy and KL over a row-stochastic matrix (allocation and scaling detail; ratios to scipy come from <c>compare numerics</c>).</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class InformationTheoryBenchmarks
{
    private double[] _p = [];
    private double[] _q = [];
    private double[] _result = [];

    [Params(1_000)]
    public int Columns { get; set; }

    [Params(10_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _p = Enumerable.Range(0, Rows * Columns).Select(_ => random.NextDouble()).ToArray();
        _q = Enumerable.Range(0, Rows * Columns).Select(_ => random.NextDouble()).ToArray();
        _result = new double[Rows];
    }

    [Benchmark]
    public void EntropyRows() => InformationTheory.EntropyRows(_p, Columns, _result);

    [Benchmark]
    public void KullbackLeiblerRows() => InformationTheory.KullbackLeiblerRows(_p, _q, Columns, _result);

    [Benchmark]
    public void JensenShannonRows() => InformationTheory.JensenShannonDivergenceRows(_p, _q, Columns, _result);
}
