using Manabi.Torch.Runtime;
using Manabi.Torch.Weights;
using Manabi.Vision.Data;
using Manabi.Vision.Models;
using SkiaSharp;
using static TorchSharp.torch;

namespace Manabi.Vision.Tests;

public sealed class ImageClassifierTests
{
    [Fact]
    public void Weights_of_a_28x28_model_classify_image_files_with_Fashion_MNIST_names()
    {
        TorchRuntime.EnsureLoaded();
        manual_seed(4);
        string folder = Path.Combine(Path.GetTempPath(), $"manabi-classifier-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string weights = Path.Combine(folder, "model.safetensors");
            using (var model = VisionModels.Create("resnet18-tiny"))
            {
                SafeTensors.Write(weights, model.state_dict().ToDictionary(p => p.Key, p => p.Value.contiguous()));
            }
            string png = Path.Combine(folder, "shirt.png");
            using (var bitmap = new SKBitmap(40, 30))
            {
                bitmap.Erase(new SKColor(180, 90, 20));
                using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(png, data.ToArray());
            }

            using var classifier = ImageClassifier.FromWeights("resnet18-tiny", weights);
            Assert.Equal((1, 28, 28), classifier.Preprocessing.InputSize);
            var prediction = Assert.Single(classifier.Predict([png], top: 3));
            Assert.Equal(png, prediction.Path);
            Assert.Equal(3, prediction.Top.Count);
            Assert.All(prediction.Top, s => Assert.Equal(FashionMnist.ClassNames[s.Class], s.Name));
            Assert.True(prediction.Top[0].Probability >= prediction.Top[1].Probability);

            // The same image as a tensor through the config gives the same input the file did.
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var fromFile = classifier.Preprocessing.PreprocessFile(png);
            Assert.Equal([1L, 28, 28], fromFile.shape);
            var probabilities = TorchSharp.torch.nn.functional.softmax(classifier.Model.call(fromFile.unsqueeze(0)), 1);
            Assert.Equal(prediction.Top[0].Probability, probabilities.max().item<float>(), 5);

            var bad = Path.Combine(folder, "bad.jpg");
            File.WriteAllText(bad, "text");
            var error = Assert.Throws<InvalidDataException>(() => classifier.Predict([png, bad]));
            Assert.Contains("bad.jpg", error.Message, StringComparison.Ordinal);
            Assert.Throws<FileNotFoundException>(() => classifier.Predict([Path.Combine(folder, "absent.png")]));
            Assert.Throws<InvalidDataException>(() => ImageClassifier.FromWeights("seresnet18-tiny", weights));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("vit-small28")]
    [InlineData("vit-small28-conv")] // channels from the stem's first convolution, not its 1×1 projection
    public void Weights_of_a_28x28_ViT_load_with_the_registrys_patch_and_stem(string name)
    {
        TorchRuntime.EnsureLoaded();
        manual_seed(5);
        string folder = Path.Combine(Path.GetTempPath(), $"manabi-classifier-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string weights = Path.Combine(folder, "model.safetensors");
            using (var model = VisionModels.Create(name))
            {
                SafeTensors.Write(weights, model.state_dict().ToDictionary(p => p.Key, p => p.Value.contiguous()));
            }
            using var classifier = ImageClassifier.FromWeights(name, weights);
            Assert.Equal((1, 28, 28), classifier.Preprocessing.InputSize);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            classifier.Model.eval();
            Assert.Equal([2L, 10], classifier.Model.call(randn(2, 1, 28, 28)).shape);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
