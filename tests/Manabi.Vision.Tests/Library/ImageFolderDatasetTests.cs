using Manabi.Vision.Data;
using SkiaSharp;

namespace Manabi.Vision.Tests.Library;

public sealed class ImageFolderDatasetTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("manabi-images-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void A_folder_of_grey_pngs_loads_as_one_channel_with_classes_in_name_order()
    {
        foreach (string split in new[] { "train", "test" })
        {
            foreach (var (name, grey) in new[] { ("b", (byte)200), ("a", (byte)10) })
            {
                WritePng(Path.Combine(root, split, name, "0.png"), 6, 6, new SKColor(grey, grey, grey));
                WritePng(Path.Combine(root, split, name, "1.png"), 6, 6, new SKColor(grey, grey, grey));
            }
        }
        var (train, test) = ImageFolderDataset.Load(root);
        Assert.Equal(["a", "b"], train.ClassNames);
        Assert.Equal(1, train.Channels);
        Assert.Equal(4, train.Count);
        Assert.Equal(4, test.Count);
        Assert.Equal(6, train.Width);
        Assert.Equal(10, train.Pixels[0]);
        Assert.Equal(200, train.Pixels[2 * 36]);
    }

    [Fact]
    public void A_folder_without_train_and_test_throws_naming_it()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => ImageFolderDataset.Load(root));
        Assert.Contains(root, ex.Message, StringComparison.Ordinal);
        Assert.Contains("train/", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_image_of_another_size_in_the_folder_is_named()
    {
        foreach (string split in new[] { "train", "test" })
        {
            WritePng(Path.Combine(root, split, "a", "0.png"), 6, 6, SKColors.Red);
            WritePng(Path.Combine(root, split, "b", "0.png"), 6, 6, SKColors.Blue);
        }
        string odd = Path.Combine(root, "train", "b", "1.png");
        WritePng(odd, 7, 6, SKColors.Blue);
        var ex = Assert.Throws<InvalidDataException>(() => ImageFolderDataset.Load(root));
        Assert.Contains(odd, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_png_is_rejected_with_the_file_named()
    {
        string whole = Path.Combine(root, "whole.png"), cut = Path.Combine(root, "cut.png");
        WriteNoisyPng(whole, 32, 32);
        byte[] bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);

        Assert.Equal(3 * 32 * 32, ImageFile.Load(whole, 3, 32, 32).Length);
        var ex = Assert.Throws<InvalidDataException>(() => ImageFile.Load(cut, 3, 32, 32));
        Assert.Contains(cut, ex.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);

        // The same file inside an image folder fails the load too, naming it.
        foreach (string split in new[] { "train", "test" })
        {
            WriteNoisyPng(Path.Combine(root, "data", split, "a", "0.png"), 32, 32);
            WriteNoisyPng(Path.Combine(root, "data", split, "b", "0.png"), 32, 32);
        }
        string inFolder = Path.Combine(root, "data", "train", "b", "1.png");
        File.Copy(cut, inFolder);
        var folderError = Assert.Throws<InvalidDataException>(() => ImageFolderDataset.Load(Path.Combine(root, "data")));
        Assert.Contains(inFolder, folderError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_image_is_checked_against_the_model_size_and_converted_to_luma()
    {
        string path = Path.Combine(root, "red.png");
        WritePng(path, 4, 5, SKColors.Red);
        byte[] luma = ImageFile.Load(path, 1, 4, 5);
        Assert.Equal(20, luma.Length);
        Assert.Equal((byte)Math.Round(0.299 * 255), luma[0]);
        var ex = Assert.Throws<InvalidDataException>(() => ImageFile.Load(path, 1, 5, 5));
        Assert.Contains("4x5", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => ImageFile.Load(Path.Combine(root, "none.png"), 1, 4, 5));
        string text = Path.Combine(root, "text.png");
        File.WriteAllText(text, "not an image");
        Assert.Contains(text, Assert.Throws<InvalidDataException>(() => ImageFile.Load(text, 1, 4, 5)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_data_source_names_fashion_mnist_or_a_folder()
    {
        Assert.True(ImageDataSource.IsFashionMnist("Fashion-MNIST"));
        string missing = Path.Combine(root, "nowhere");
        var ex = Assert.Throws<DirectoryNotFoundException>(() => ImageDataSource.Load(missing));
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    private static void WritePng(string path, int width, int height, SKColor color)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    // Noise does not compress, so half the file holds only part of the rows.
    private static void WriteNoisyPng(string path, int width, int height)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var random = new Random(1);
        using var bitmap = new SKBitmap(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}
