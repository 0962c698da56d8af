using Manabi.Torch.Runtime;
using Manabi.Vision.Data;
using TorchSharp;

namespace Manabi.Cli.Vision;

/// <summary>
/// The start that <c>vision train</c> and <c>siamese train</c> share: libtorch at the requested thread count, then
/// <c>--data</c> with its seeded <c>--subset</c> of the training split.
/// </summary>
internal static class TrainingData
{
    /// <summary>Loads libtorch and both splits of <paramref name="data"/>; <paramref name="subset"/> draws that many training images with <paramref name="seed"/>.</summary>
    /// <exception cref="InputException">The data set is absent or unusable (see <see cref="VisionData.Load"/>).</exception>
    public static (ImageDataset Train, ImageDataset Test) Load(string data, int? threads, int? subset, int seed)
    {
        // libtorch first: the thread count must be set before the first tensor operation, and a missing native
        // library should be reported before minutes of data loading.
        TorchRuntime.EnsureLoaded();
        if (threads is { } n)
        {
            torch.set_num_threads(n);
        }
        var (train, test) = VisionData.Load(data);
        return (subset is { } s ? train.Subset(s, seed) : train, test);
    }
}
