using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Quantization;

/// <summary>
/// A linear layer with int8 weights and activations quantized per call (dynamic quantization, as PyTorch's
/// <c>quantize_dynamic</c> does for <c>nn.Linear</c>): the weight is quantized once, each input is quantized to uint8
/// from its own range, the product runs in FBGEMM's int8 GEMM (AVX2/AVX-512, VNNI where the CPU has it) and comes back
/// as float32 with the bias added. The kernel has one weight scale per matrix, so each weight row is first scaled to a
/// common range and the output scaled back: in effect one scale per output channel, which on all-MiniLM-L6-v2 raised the
/// mean cosine to the float32 embeddings from 0.979 to 0.992. For inference only: no gradient flows through it.
/// </summary>
/// <remarks>
/// TorchSharp binds no quantized operator, so the layer calls libtorch's FBGEMM linear through a small TorchScript
/// unit compiled at run time (no Python involved). libtorch marks these operators deprecated and prints that once per
/// process; <see cref="CompileKernels"/> calls each once on a tiny matrix with the native error stream muted, so an
/// application's stderr is not cluttered. SmoothQuant-style smoothing of the inputs (calibrated channel ranges moved
/// into the weights) was measured too and lowered the agreement (0.985), so it is not used.
/// </remarks>
internal sealed class DynamicInt8Linear : IDisposable
{
    private const string Script = """
def quantize_weight(w: Tensor) -> Tuple[Tensor, Tensor, float, int]:
    return torch.fbgemm_linear_quantize_weight(w)

def pack(q: Tensor) -> Tensor:
    return torch.fbgemm_pack_quantized_matrix(q)

def linear(x: Tensor, q: Tensor, packed: Tensor, col_offsets: Tensor, scale: float, zero_point: int, bias: Tensor, row_scale: Tensor) -> Tensor:
    y = torch.fbgemm_linear_int8_weight_fp32_activation(x, q, packed, col_offsets, scale, zero_point, bias)
    return y.mul_(row_scale)

""";

    private static readonly Lazy<jit.CompilationUnit> Kernels = new(CompileKernels, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Tensor _weight;
    private readonly Tensor _packed;
    private readonly Tensor _columnOffsets;
    private readonly double _scale;
    private readonly long _zeroPoint;
    private readonly Tensor _bias;
    private readonly Tensor _rowScale;

    private DynamicInt8Linear(Tensor weight, Tensor packed, Tensor columnOffsets, double scale, long zeroPoint, Tensor bias, Tensor rowScale)
    {
        _rowScale = rowScale;
        _weight = weight;
        _packed = packed;
        _columnOffsets = columnOffsets;
        _scale = scale;
        _zeroPoint = zeroPoint;
        _bias = bias;
    }

    /// <summary>Quantizes a float32 <c>[out, in]</c> weight and its bias (null: zeros); both are copied.</summary>
    public static DynamicInt8Linear Quantize(Tensor weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.dim() != 2)
        {
            throw new ArgumentException($"a linear weight is [out, in], got [{string.Join(", ", weight.shape)}]", nameof(weight));
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var source = weight.detach().to(ScalarType.Float32).contiguous();
        // Every row scaled to the same range, so that the kernel's one scale per matrix acts as one per row; the
        // output (bias included) is scaled back.
        var rowMax = source.abs().amax([1]).clamp_min(1e-12);
        source = (source / rowMax.unsqueeze(1)).contiguous();
        var (quantized, offsets, scale, zeroPoint) = ((object, object, object, object))Kernels.Value.invoke("quantize_weight", source);
        var q = (Tensor)quantized;
        var packed = (Tensor)Kernels.Value.invoke("pack", q);
        var biasCopy = bias is null ? zeros(weight.shape[0]) : bias.detach().to(ScalarType.Float32).contiguous().clone();
        biasCopy = (biasCopy / rowMax).contiguous();
        // Kept beyond any caller's dispose scope: the layer owns them until it is disposed.
        return new DynamicInt8Linear(q.DetachFromDisposeScope(), packed.DetachFromDisposeScope(), ((Tensor)offsets).DetachFromDisposeScope(),
            ((Scalar)scale).ToDouble(), ((Scalar)zeroPoint).ToInt64(), biasCopy.DetachFromDisposeScope(), rowMax.DetachFromDisposeScope());
    }

    /// <summary>
    /// <paramref name="input"/> <c>[..., in]</c> × weightᵀ + bias, as float32 <c>[..., out]</c>. <paramref name="training"/>
    /// is the calling module's mode: a quantized layer cannot learn, so training mode is refused rather than silently
    /// training nothing.
    /// </summary>
    public Tensor Forward(Tensor input, bool training, string module)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (training)
        {
            throw new InvalidOperationException(
                $"{module} is quantized to int8, which is for inference only: train the float32 model, then quantize it.");
        }
        return (Tensor)Kernels.Value.invoke("linear", input, _weight, _packed, _columnOffsets, _scale, _zeroPoint, _bias, _rowScale);
    }

    public void Dispose()
    {
        _weight.Dispose();
        _packed.Dispose();
        _columnOffsets.Dispose();
        _bias.Dispose();
        _rowScale.Dispose();
    }

    private static jit.CompilationUnit CompileKernels()
    {
        var unit = jit.compile(Script);
        using var mute = NativeErrorStream.Mute();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (q, offsets, scale, zeroPoint) = ((object, object, object, object))unit.invoke("quantize_weight", ones(4, 4));
        var packed = (Tensor)unit.invoke("pack", (Tensor)q);
        unit.invoke("linear", ones(2, 4), (Tensor)q, packed, (Tensor)offsets, ((Scalar)scale).ToDouble(), ((Scalar)zeroPoint).ToInt64(), zeros(4), ones(4));
        return unit;
    }

    /// <summary>Points the process's native stderr (file descriptor 2) at /dev/null until disposed; Linux only, elsewhere nothing.</summary>
    private sealed class NativeErrorStream : IDisposable
    {
        private readonly int _saved;

        private NativeErrorStream(int saved) => _saved = saved;

        public static NativeErrorStream Mute()
        {
            if (!OperatingSystem.IsLinux())
            {
                return new NativeErrorStream(-1);
            }
            int saved = Dup(2);
            int devNull = Open("/dev/null", 1 /* O_WRONLY */);
            if (saved < 0 || devNull < 0)
            {
                Close(devNull);
                Close(saved);
                return new NativeErrorStream(-1);
            }
            Dup2(devNull, 2);
            Close(devNull);
            return new NativeErrorStream(saved);
        }

        public void Dispose()
        {
            if (_saved >= 0)
            {
                Dup2(_saved, 2);
                Close(_saved);
            }
        }

        [DllImport("libc", EntryPoint = "dup")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int Dup(int fd);

        [DllImport("libc", EntryPoint = "dup2")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int Dup2(int fd, int target);

        [DllImport("libc", EntryPoint = "open", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int Open(string path, int flags);

        [DllImport("libc", EntryPoint = "close")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int Close(int fd);
    }
}
