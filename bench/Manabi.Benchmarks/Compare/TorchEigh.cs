using static TorchSharp.torch;

namespace Manabi.Benchmarks.Compare;

/// <summary>libtorch's eigh through TorchSharp, for reference next to the managed solver.</summary>
public static class TorchEigh
{
    public static double Time(double[,] a, int repeats, out double valueSum)
    {
        Manabi.Torch.Runtime.TorchRuntime.EnsureLoaded();
        using var t = tensor(a);
        double seconds = Stopwatches.Median(() =>
        {
            using var scope = NewDisposeScope();
            _ = linalg.eigh(t);
        }, repeats);
        using var scope = NewDisposeScope();
        var (values, _) = linalg.eigh(t);
        valueSum = values.sum().item<double>();
        return seconds;
    }
}
