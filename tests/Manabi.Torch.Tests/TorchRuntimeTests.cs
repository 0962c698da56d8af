using Manabi.Torch.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Torch.Tests;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void Matmul_and_eigh_run_on_libtorch()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var a = tensor(new double[] { 2, 1, 0, 1, 2, 1, 0, 1, 2 }, 3, 3);
        var product = a.matmul(eye(3, dtype: float64));
        Assert.True(product.allclose(a));

        var (values, vectors) = linalg.eigh(a);
        double[] expected = [2 - Math.Sqrt(2), 2, 2 + Math.Sqrt(2)];
        double[] actual = values.data<double>().ToArray();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-12);
        }
        // A V = V diag(λ): the eigenvectors really are eigenvectors.
        var reconstructed = vectors.matmul(diag(values)).matmul(vectors.t());
        Assert.True(reconstructed.allclose(a, rtol: 0, atol: 1e-12));
    }

    [Fact]
    public void The_loaded_native_libraries_are_the_ones_beside_the_assembly()
    {
        TorchRuntime.EnsureLoaded();
        string baseDir = Path.GetFullPath(AppContext.BaseDirectory);
        string? libTorchSharp = TorchRuntime.LoadedLibTorchSharpPath;
        string? libTorchCpu = TorchRuntime.LoadedLibTorchCpuPath;
        Assert.NotNull(libTorchSharp);
        Assert.NotNull(libTorchCpu);
        // Never Debian's python3-torch libtorch in /lib: a process that mixes it in crashes.
        Assert.StartsWith(baseDir, Path.GetFullPath(libTorchSharp!), StringComparison.Ordinal);
        Assert.StartsWith(baseDir, Path.GetFullPath(libTorchCpu!), StringComparison.Ordinal);
        Assert.StartsWith("2.10", TorchRuntime.LibTorchVersion, StringComparison.Ordinal);
    }

    [Fact]
    public void The_native_fix_is_active_exactly_when_the_host_lacks_GLIBCXX_3_4_32()
    {
        TorchRuntime.EnsureLoaded();
        bool hostHasVersion = TorchRuntime.HostHasRequiredGlibcxx();
        string shim = Path.Combine(AppContext.BaseDirectory, TorchRuntime.ShimLibraryName);
        if (hostHasVersion)
        {
            Assert.False(TorchRuntime.NativeFixActive, "the host has GLIBCXX_3.4.32, yet the shim is loaded");
            Assert.False(File.Exists(shim), "the host has GLIBCXX_3.4.32, yet the output folder was patched");
        }
        else
        {
            Assert.True(TorchRuntime.NativeFixActive, $"the host lacks {TorchRuntime.RequiredGlibcxxVersion} but {TorchRuntime.ShimLibraryName} is not mapped");
            Assert.True(File.Exists(shim));
            // The loaded LibTorchSharp is the patched copy: it names the shim as a needed library.
            byte[] image = File.ReadAllBytes(TorchRuntime.LoadedLibTorchSharpPath!);
            Assert.True(image.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(TorchRuntime.ShimLibraryName)) >= 0);
        }
    }
}
