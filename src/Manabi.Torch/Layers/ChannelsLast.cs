using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Torch.Layers;

/// <summary>
/// The channels-last (NHWC) memory format for convolutional networks, as <c>model.to(memory_format=torch.channels_last)</c>
/// in PyTorch. libtorch's oneDNN convolutions and its BatchNorm, ReLU and pooling kernels work on NHWC directly, while
/// NCHW tensors are reordered inside every convolution; a convolution whose weight is channels-last returns a
/// channels-last result, so converting the weights once carries the format through the whole network.
/// </summary>
/// <remarks>
/// Only the strides change: shapes, state_dict names and values stay as they are, checkpoints are written contiguous
/// (NCHW) as before, and loading copies values into the existing channels-last parameters.
/// </remarks>
public static class ChannelsLast
{
    /// <summary>
    /// Converts every 4-D parameter and buffer of <paramref name="module"/> to channels-last strides in place and
    /// returns the module. Tensors on the <c>meta</c> device (shape-only models) are left as they are.
    /// </summary>
    public static T Apply<T>(T module) where T : nn.Module
    {
        ArgumentNullException.ThrowIfNull(module);
        using var noGrad = no_grad();
        foreach (var (_, parameter) in module.named_parameters())
        {
            Restride(parameter);
        }
        foreach (var (_, buffer) in module.named_buffers())
        {
            Restride(buffer);
        }
        return module;
    }

    /// <summary>Whether <paramref name="tensor"/> is a 4-D tensor laid out channels-last (a channel is the fastest-moving index).</summary>
    public static bool Is(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.dim() != 4)
        {
            return false;
        }
        long[] shape = tensor.shape, strides = tensor.stride();
        long c = shape[1], h = shape[2], w = shape[3];
        // Extents of one are free to take any stride; compare only where the layout is observable.
        return (c == 1 || strides[1] == 1)
            && (w == 1 || strides[3] == c)
            && (h == 1 || strides[2] == w * c)
            && (shape[0] == 1 || strides[0] == h * w * c);
    }

    /// <summary>A channels-last copy of a 4-D tensor (a view of the tensor itself when it already is).</summary>
    public static Tensor Convert(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.dim() != 4)
        {
            throw new ArgumentException($"Only 4-D (batch, channels, height, width) tensors have a channels-last layout; got ({string.Join(", ", tensor.shape)}).", nameof(tensor));
        }
        return Is(tensor) ? tensor.alias() : tensor.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }

    private static void Restride(Tensor tensor)
    {
        if (tensor.dim() == 4 && tensor.device_type != DeviceType.META && !Is(tensor))
        {
            // The temporaries' handles go with the scope; set_ keeps their storage alive in the parameter.
            using var scope = NewDisposeScope();
            tensor.set_(Convert(tensor.detach()));
        }
    }
}
