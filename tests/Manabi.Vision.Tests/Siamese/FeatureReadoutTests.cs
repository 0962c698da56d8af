using Manabi.Torch.Runtime;
using Manabi.Vision.Models;
using Manabi.Vision.Siamese;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Manabi.Vision.Tests.Siamese;

public sealed class FeatureReadoutTests
{
    public FeatureReadoutTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData("pooled", "pooled")]
    [InlineData("MultiScale", "1:7,2:4,3:2,4:1")]
    [InlineData(" 4:1, 2:4 ,3:2", "2:4,3:2,4:1")]
    public void A_readout_parses_in_network_order_and_prints_back(string text, string expected)
    {
        var readout = FeatureReadout.Parse(text);
        Assert.Equal(expected, readout.ToString());
        Assert.Equal(readout, FeatureReadout.Parse(readout.ToString()));
    }

    [Theory]
    [InlineData("2:4,2:2", "appears twice")]
    [InlineData("2:0", "'2:0'")]
    [InlineData("2", "'2'")]
    [InlineData("a:b", "'a:b'")]
    [InlineData("-1:2", "'-1:2'")]
    public void A_malformed_readout_names_the_part(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => FeatureReadout.Parse(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_multiscale_readout_is_a_unit_hypercolumn_of_each_level_pooled_to_its_grid()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var config = new EmbeddingNetworkConfig("resnet18-tiny", 28, 1, 32) { Readout = FeatureReadout.Parse("1:7,3:2,4:1") };
        using var network = new EmbeddingNetwork(config);
        // resnet18-tiny: stage widths 16, 32, 64, 128 at 28, 14, 7 and 4 pixels.
        Assert.Equal(16 * 49 + 64 * 4 + 128, network.FeatureDimension);
        network.eval();
        var images = randn(3, 1, 28, 28);
        var features = network.Features(images);
        Assert.Equal(new long[] { 3, network.FeatureDimension }, features.shape);
        Assert.True((features.norm(dim: 1) - 1).abs().max().item<float>() < 1e-5);

        // Each level is the stage's map average-pooled to its grid and L2-normalised, scaled by 1/sqrt(3).
        var maps = ((IVisionModel)network.Encoder).ForwardIntermediates(images, [1, 3, 4]);
        var level1 = nn.functional.normalize(nn.functional.adaptive_avg_pool2d(maps[0], 7).flatten(1), dim: 1) / Math.Sqrt(3);
        var level4 = nn.functional.normalize(maps[2].mean([2, 3]), dim: 1) / Math.Sqrt(3);
        Assert.True(features[.., ..(16 * 49)].allclose(level1, rtol: 1e-5, atol: 1e-6));
        Assert.True(features[.., (16 * 49 + 256)..].allclose(level4, rtol: 1e-5, atol: 1e-6));

        // The head reads the readout, so the embedding changes with it; the state_dict does not.
        Assert.Equal(new long[] { 32, network.FeatureDimension }, network.state_dict()["projector.0.weight"].shape);
        Assert.Equal(new long[] { 3, 32 }, network.call(images).shape);
    }

    [Fact]
    public void A_readout_the_encoder_cannot_give_is_refused_by_name()
    {
        var vit = Assert.Throws<ArgumentException>(() => new EmbeddingNetwork(new EmbeddingNetworkConfig("vit-small28", 28, 1) { Readout = FeatureReadout.MultiScale }));
        Assert.Contains("vit-small28 is a ViT", vit.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<ArgumentException>(() => new EmbeddingNetwork(new EmbeddingNetworkConfig("resnet18-tiny", 28, 1) { Readout = FeatureReadout.Parse("5:1") }));
        Assert.Contains("feature map 5", missing.Message, StringComparison.Ordinal);
        Assert.Contains("0 to 4", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_readout_is_saved_as_text_and_a_state_without_one_loads_pooled()
    {
        string folder = Directory.CreateTempSubdirectory("manabi-readout-").FullName;
        try
        {
            var state = new SiameseRunState
            {
                Network = new EmbeddingNetworkConfig("resnet18-tiny", 28, 1) { Readout = FeatureReadout.MultiScale },
                Data = "fashion-mnist",
                ClassNames = ["a", "b"],
                Mean = [0.5f],
                Std = [0.25f],
                Options = SiameseTrainingOptions.ForObjective(SiameseObjective.Triplet),
            };
            state.Save(folder);
            string path = Path.Combine(folder, SiameseRunState.FileName);
            Assert.Contains("\"1:7,2:4,3:2,4:1\"", File.ReadAllText(path), StringComparison.Ordinal);
            Assert.Equal(state.Network, SiameseRunState.Load(folder).Network);

            // A state.json written before readouts existed has no such field.
            var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            var network = node["network"]!.AsObject();
            Assert.True(network.Remove("readout"));
            File.WriteAllText(path, node.ToJsonString());
            Assert.True(SiameseRunState.Load(folder).Network.Readout.IsPooled);

            network["readout"] = "2:x";
            File.WriteAllText(path, node.ToJsonString());
            var bad = Assert.Throws<InvalidDataException>(() => SiameseRunState.Load(folder));
            Assert.Contains("'2:x'", bad.Message, StringComparison.Ordinal);
            Assert.Contains(path, bad.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
