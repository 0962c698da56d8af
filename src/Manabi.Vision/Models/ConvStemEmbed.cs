using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.Vision.Models;

/// <summary>
/// A convolutional stem in place of the patchify convolution (Xiao et al. 2021, "Early convolutions help transformers
/// see better"): log2(patch) 3×3 stride-2 convolutions with BatchNorm and ReLU (<c>stem</c>, laid out flat as
/// conv, norm, act, …), the widths doubling up to the embedding width (d/8, d/4, d/2, d for patch 16, as in the
/// paper), then a 1×1 convolution to the embedding width (<c>proj</c>), giving the same token grid as the patch size.
/// </summary>
internal sealed class ConvStemEmbed : nn.Module<Tensor, Tensor>
{
    private readonly Sequential stem;
    private readonly Conv2d proj;
    private readonly long imageSize;
    private readonly long inChannels;

    public ConvStemEmbed(long imageSize, long patchSize, long inChannels, long embedDim, Device? device = null) : base(nameof(ConvStemEmbed))
    {
        if (patchSize < 2 || (patchSize & (patchSize - 1)) != 0)
        {
            throw new ArgumentException($"A convolutional stem halves the image per layer, so the patch size must be a power of two from 2; got {patchSize}.", nameof(patchSize));
        }
        if (imageSize % patchSize != 0)
        {
            throw new ArgumentException($"The image size {imageSize} is not a multiple of the patch size {patchSize}.", nameof(patchSize));
        }
        int halvings = System.Numerics.BitOperations.Log2((ulong)patchSize);
        if (embedDim >> (halvings - 1) <= 0 || embedDim % (1L << (halvings - 1)) != 0)
        {
            throw new ArgumentException($"The embedding width {embedDim} does not halve {halvings - 1} times for a stem of patch {patchSize}.", nameof(embedDim));
        }
        this.imageSize = imageSize;
        this.inChannels = inChannels;
        var layers = new List<nn.Module<Tensor, Tensor>>();
        long channels = inChannels;
        for (int i = 0; i < halvings; i++)
        {
            long width = embedDim >> (halvings - 1 - i);
            // No conv bias: the BatchNorm that follows has its own shift.
            layers.Add(nn.Conv2d(channels, width, 3, stride: 2, padding: 1, bias: false, device: device));
            layers.Add(nn.BatchNorm2d(width, device: device));
            layers.Add(nn.ReLU());
            channels = width;
        }
        stem = nn.Sequential(layers.ToArray());
        proj = nn.Conv2d(channels, embedDim, 1, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != inChannels || input.shape[2] != imageSize || input.shape[3] != imageSize)
        {
            throw new ArgumentException(
                $"Expected images of shape (batch, {inChannels}, {imageSize}, {imageSize}) but got ({string.Join(", ", input.shape)}).", nameof(input));
        }
        using var scope = NewDisposeScope();
        return proj.call(stem.call(input)).flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
