using Manabi.Torch.Layers;
using Manabi.Torch.Runtime;
using static TorchSharp.torch;

namespace Manabi.Torch.Tests.Layers;

/// <summary>The channels-last layout itself; the models created in it are tested with Manabi.Vision.</summary>
public sealed class ChannelsLastTests
{
    [Fact]
    public void Layout_is_recognised_and_conversion_keeps_the_values()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var nchw = randn(2, 3, 4, 5);
        Assert.False(ChannelsLast.Is(nchw));
        var nhwc = ChannelsLast.Convert(nchw);
        Assert.True(ChannelsLast.Is(nhwc));
        Assert.Equal(new long[] { 60, 1, 15, 3 }, nhwc.stride());
        Assert.True(nhwc.eq(nchw).all().item<bool>());
        Assert.True(ChannelsLast.Is(ChannelsLast.Convert(nhwc)));
        Assert.Throws<ArgumentException>(() => ChannelsLast.Convert(randn(3, 4)));
    }
}
