namespace Manabi.Vision.Data;

/// <summary>
/// Labelled images held in memory as bytes, (count, channels, height, width) in row-major order, with labels
/// in [0, classes).
/// </summary>
public sealed class ImageDataset
{
    /// <summary>Creates the dataset, checking that the sizes agree.</summary>
    public ImageDataset(byte[] pixels, int[] labels, int channels, int height, int width, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if ((long)labels.Length * channels * height * width != pixels.LongLength)
        {
            throw new ArgumentException($"{labels.Length} labels need {(long)labels.Length * channels * height * width} pixel bytes, got {pixels.LongLength}.", nameof(pixels));
        }
        int bad = Array.FindIndex(labels, l => l < 0 || l >= classNames.Count);
        if (bad >= 0)
        {
            throw new ArgumentException($"Label {labels[bad]} of image {bad} is outside [0, {classNames.Count}).", nameof(labels));
        }
        Pixels = pixels;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        ClassNames = classNames;
    }

    /// <summary>The pixel bytes, (count, channels, height, width).</summary>
    public byte[] Pixels { get; }

    /// <summary>The labels.</summary>
    public int[] Labels { get; }

    /// <summary>Image channels.</summary>
    public int Channels { get; }

    /// <summary>Image height.</summary>
    public int Height { get; }

    /// <summary>Image width.</summary>
    public int Width { get; }

    /// <summary>The class names, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Bytes per image.</summary>
    public int ImageBytes => Channels * Height * Width;

    /// <summary>The per-channel mean and standard deviation of the pixels scaled to [0, 1].</summary>
    public (float[] Mean, float[] Std) ChannelStatistics()
    {
        var mean = new float[Channels];
        var std = new float[Channels];
        int plane = Height * Width;
        for (int c = 0; c < Channels; c++)
        {
            double sum = 0, sumSquares = 0;
            for (int i = 0; i < Count; i++)
            {
                var span = Pixels.AsSpan(i * ImageBytes + c * plane, plane);
                foreach (byte b in span)
                {
                    double v = b / 255.0;
                    sum += v;
                    sumSquares += v * v;
                }
            }
            double n = (double)Count * plane;
            double m = sum / n;
            mean[c] = (float)m;
            std[c] = (float)Math.Sqrt(Math.Max(sumSquares / n - m * m, 1e-12));
        }
        return (mean, std);
    }

    /// <summary>A seeded random subset of <paramref name="count"/> images (all when count ≥ <see cref="Count"/>), class balance left to chance.</summary>
    public ImageDataset Subset(int count, int seed)
    {
        if (count >= Count)
        {
            return this;
        }
        int[] order = Enumerable.Range(0, Count).ToArray();
        new Random(seed).Shuffle(order);
        return Select(order.AsSpan(0, count));
    }

    /// <summary>The images at <paramref name="indices"/>, in that order, with their labels.</summary>
    public ImageDataset Select(ReadOnlySpan<int> indices)
    {
        var pixels = new byte[(long)indices.Length * ImageBytes];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Pixels.AsSpan(indices[i] * ImageBytes, ImageBytes).CopyTo(pixels.AsSpan(i * ImageBytes));
            labels[i] = Labels[indices[i]];
        }
        return new ImageDataset(pixels, labels, Channels, Height, Width, ClassNames);
    }
}
