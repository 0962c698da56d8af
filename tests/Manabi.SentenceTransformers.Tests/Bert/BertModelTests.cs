using System.Text.Json;
using Manabi.TestSupport;
using Manabi.SentenceTransformers.Models.Bert;
using Manabi.Torch.Runtime;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Tests.Bert;

public sealed class BertModelTests
{
    [Fact]
    public void State_dict_keys_are_those_of_hf_bert_model()
    {
        TorchRuntime.EnsureLoaded();
        var config = new BertConfig { VocabSize = 50, HiddenSize = 8, NumHiddenLayers = 2, NumAttentionHeads = 2, IntermediateSize = 16, MaxPositionEmbeddings = 12 };
        using var model = new BertModel(config);
        var keys = model.state_dict().Keys.ToHashSet();
        Assert.Contains("embeddings.word_embeddings.weight", keys);
        Assert.Contains("embeddings.LayerNorm.bias", keys);
        Assert.Contains("encoder.layer.1.attention.self.query.weight", keys);
        Assert.Contains("encoder.layer.0.attention.output.LayerNorm.weight", keys);
        Assert.Contains("encoder.layer.0.intermediate.dense.bias", keys);
        Assert.Contains("encoder.layer.1.output.dense.weight", keys);
        Assert.Contains("pooler.dense.weight", keys);
        Assert.Equal(5 + 2 * 16 + 2, keys.Count);
    }

    /// <summary>transformers' last hidden state of the tiny model's first three golden texts, with their padded ids and mask.</summary>
    private static (long[] Ids, long[] Mask, int Rows, int Length, double[] Expected) FirstThreeGolden()
    {
        using var golden = GoldenJson.Load("sbert", "tiny-sbert-golden.json");
        var first3 = golden.RootElement.GetProperty("last_hidden_state_first3");
        long[] ids = Flatten(first3.GetProperty("input_ids"));
        int rows = first3.GetProperty("input_ids").GetArrayLength();
        double[] expected = first3.GetProperty("values").EnumerateArray()
            .SelectMany(r => r.EnumerateArray()).SelectMany(GoldenJson.Vector).ToArray();
        return (ids, Flatten(first3.GetProperty("attention_mask")), rows, ids.Length / rows, expected);
    }

    [Fact]
    public void Tiny_bert_last_hidden_state_matches_transformers()
    {
        using var model = BertWeights.LoadModel(Fixtures.Path("sbert", "tiny-sbert"));
        var (ids, mask, rows, length, expected) = FirstThreeGolden();
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        foreach (bool weights in new[] { false, true })
        {
            using var output = model.Forward(tensor(ids, rows, length), tensor(mask, rows, length), outputAttentions: weights);
            float[] actual = output.LastHiddenState.data<float>().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            double worst = expected.Select((e, i) => Math.Abs(e - actual[i])).Max();
            Assert.True(worst <= 1e-5, $"largest difference {worst:E2} (attention weights requested: {weights})");
        }
    }

    [Fact]
    public void Skipping_padding_matches_transformers_on_the_real_tokens_and_zeroes_the_padding()
    {
        using var model = BertWeights.LoadModel(Fixtures.Path("sbert", "tiny-sbert"));
        model.eval();
        var (ids, mask, rows, length, expected) = FirstThreeGolden();
        Assert.Contains(0L, mask); // the fixture has padding, so the packed path runs
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        using var output = model.Forward(tensor(ids, rows, length), tensor(mask, rows, length), skipPadding: true);
        float[] actual = output.LastHiddenState.data<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        int width = actual.Length / ids.Length;
        double worst = 0;
        for (int token = 0; token < ids.Length; token++)
        {
            for (int d = 0; d < width; d++)
            {
                int i = token * width + d;
                if (mask[token] == 0)
                {
                    Assert.Equal(0f, actual[i]);
                }
                else
                {
                    worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
                }
            }
        }
        Assert.True(worst <= 1e-5, $"largest difference on real tokens {worst:E2}");

        // Training mode ignores it: dropout and autograd see the padded batch, as in transformers.
        model.train();
        using var trained = model.Forward(tensor(ids, rows, length), tensor(mask, rows, length), skipPadding: true);
        model.eval();
        Assert.Contains(trained.LastHiddenState.data<float>().ToArray().Where((_, i) => mask[i / width] == 0), v => v != 0f);
    }

    [Fact]
    public void Saved_safetensors_carry_transformers_metadata_and_load_back()
    {
        string folder = Path.Combine(Path.GetTempPath(), "manabi-bert-" + Guid.NewGuid().ToString("N"));
        try
        {
            var config = new BertConfig { VocabSize = 40, HiddenSize = 8, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 16, MaxPositionEmbeddings = 10 };
            using var model = new BertModel(config);
            model.eval();
            BertWeights.Save(model, folder);
            byte[] file = File.ReadAllBytes(Path.Combine(folder, "model.safetensors"));
            long headerLength = BitConverter.ToInt64(file, 0);
            Assert.Equal(0, headerLength % 8);
            using var header = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
            Assert.Equal("pt", header.RootElement.GetProperty("__metadata__").GetProperty("format").GetString());
            using var loaded = BertWeights.LoadModel(folder);
            var ids = tensor(new long[] { 1, 5, 7, 2 }, 1, 4);
            using var a = model.Forward(ids);
            using var b = loaded.Forward(ids);
            Assert.Equal(a.LastHiddenState.data<float>().ToArray(), b.LastHiddenState.data<float>().ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_folder_with_pytorch_model_bin_loads_through_pybridge()
    {
        string folder = Path.Combine(Path.GetTempPath(), "manabi-bin-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var config = new BertConfig { VocabSize = 40, HiddenSize = 8, NumHiddenLayers = 2, NumAttentionHeads = 2, IntermediateSize = 16, MaxPositionEmbeddings = 10 };
            using var model = new BertModel(config);
            model.eval();
            config.Save(Path.Combine(folder, "config.json"));
            TorchSharp.PyBridge.PyBridgeModuleExtensions.save_py(model, Path.Combine(folder, "pytorch_model.bin"));
            using var loaded = BertWeights.LoadModel(folder);
            Assert.True(loaded.HasPooler);
            var ids = tensor(new long[] { 1, 5, 7, 2, 3, 9 }, 2, 3);
            using var a = model.Forward(ids);
            using var b = loaded.Forward(ids);
            Assert.Equal(a.LastHiddenState.data<float>().ToArray(), b.LastHiddenState.data<float>().ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static long[] Flatten(JsonElement matrix) =>
        matrix.EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(e => e.GetInt64()).ToArray();
}
