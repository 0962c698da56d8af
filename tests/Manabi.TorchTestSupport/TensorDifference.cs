using static TorchSharp.torch;

namespace Manabi.TorchTestSupport;

/// <summary>Compares tensors as the parity and layout tests do: by their largest element-wise difference.</summary>
public static class TensorDifference
{
    /// <summary>The largest absolute element-wise difference of two tensors of one shape.</summary>
    public static double MaxAbs(Tensor a, Tensor b) => (a - b).abs().max().item<float>();
}
