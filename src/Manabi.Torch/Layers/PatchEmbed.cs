using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.Torch.Layers;

/// <summary>
/// Cuts an image into non-overlapping patches and projects each to the embedding width with one strided
/// convolution (<c>proj</c>), giving a (batch, patches, dim) sequence in row-major patch order (timm <c>PatchEmbed</c>).
/// </summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj;

    /// <summary>Creates the embedding for square images of <paramref name="imageSize"/> pixels.</summary>
    public PatchEmbed(long imageSize, long patchSize, long inChannels, long embedDim, Device? device = null) : base(nameof(PatchEmbed))
    {
        if (imageSize % patchSize != 0)
        {
            throw new ArgumentException($"The image size {imageSize} is not a multiple of the patch size {patchSize}.", nameof(patchSize));
        }
        ImageSize = imageSize;
        PatchSize = patchSize;
        InChannels = inChannels;
        GridSize = imageSize / patchSize;
        proj = nn.Conv2d(inChannels, embedDim, patchSize, stride: patchSize, device: device);
        RegisterComponents();
    }

    /// <summary>The image side in pixels.</summary>
    public long ImageSize { get; }

    /// <summary>The patch side in pixels.</summary>
    public long PatchSize { get; }

    /// <summary>The number of input channels.</summary>
    public long InChannels { get; }

    /// <summary>Patches per side.</summary>
    public long GridSize { get; }

    /// <summary>Patches per image.</summary>
    public long PatchCount => GridSize * GridSize;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != InChannels || input.shape[2] != ImageSize || input.shape[3] != ImageSize)
        {
            throw new ArgumentException(
                $"Expected images of shape (batch, {InChannels}, {ImageSize}, {ImageSize}) but got ({string.Join(", ", input.shape)}).", nameof(input));
        }
        using var scope = NewDisposeScope();
        return proj.call(input).flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
