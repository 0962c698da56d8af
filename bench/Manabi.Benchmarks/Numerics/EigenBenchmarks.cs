using BenchmarkDotNet.Attributes;
using Manabi.Numerics.LinearAlgebra;

namespace Manabi.Benchmarks.Numerics;

/// <summary>Symmetric eigen-decomposition with vectors at several sizes.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class EigenBenchmarks
{
    private double[,] _a = new double[0, 0];

    [Params(100, 300, 1_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        _a = new double[N, N];
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                _a[i, j] = _a[j, i] = random.NextDouble();
            }
        }
    }

    [Benchmark]
    public SymmetricEigenDecomposition Symmetric() => Eigen.Symmetric(_a);
}
