using Manabi.TestSupport;
using Manabi.SentenceTransformers.Models.Bert;
using Manabi.SentenceTransformers.Models.Onnx;
using Manabi.SentenceTransformers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Manabi.SentenceTransformers.Tests.Onnx;

public sealed class OnnxImportTests
{
    [Fact]
    public void Tiny_bert_onnx_imports_to_the_safetensors_weights()
    {
        var graph = OnnxGraph.Load(Fixtures.Path("sbert", "tiny-bert.onnx"));
        var (config, weights, shapes) = OnnxBertImporter.Import(graph, "tiny-bert.onnx");
        var expectedConfig = BertConfig.Load(Fixtures.Path("sbert", "tiny-sbert", "config.json"));
        Assert.Equal(expectedConfig.HiddenSize, config.HiddenSize);
        Assert.Equal(expectedConfig.NumAttentionHeads, config.NumAttentionHeads);
        Assert.Equal(expectedConfig.NumHiddenLayers, config.NumHiddenLayers);
        Assert.Equal(expectedConfig.IntermediateSize, config.IntermediateSize);
        Assert.Equal(expectedConfig.MaxPositionEmbeddings, config.MaxPositionEmbeddings);
        Assert.Equal(expectedConfig.LayerNormEps, config.LayerNormEps);
        Assert.Equal("gelu", config.HiddenAct);

        var reference = BertWeights.ReadStateDict(Fixtures.Path("sbert", "tiny-sbert", "model.safetensors"));
        try
        {
            // The export drops the unused pooler; every other weight must come back, named and shaped as in HF.
            var expectedKeys = reference.Keys.Where(k => !k.StartsWith("pooler.", StringComparison.Ordinal) && !k.EndsWith("_ids", StringComparison.Ordinal)).Order().ToList();
            Assert.Equal(expectedKeys, weights.Keys.Order().ToList());
            foreach (string key in expectedKeys)
            {
                Assert.Equal(reference[key].shape, shapes[key]);
                float[] expected = reference[key].data<float>().ToArray();
                float[] actual = weights[key];
                double worst = expected.Select((e, i) => Math.Abs(e - actual[i])).Max();
                Assert.True(worst <= 1e-7, $"{key}: largest difference {worst:E2}");
            }
        }
        finally
        {
            foreach (var t in reference.Values)
            {
                t.Dispose();
            }
        }
    }

    [Fact]
    public void Imported_folder_reproduces_the_transformers_hidden_states()
    {
        string folder = Path.Combine(Path.GetTempPath(), "manabi-onnx-" + Guid.NewGuid().ToString("N"));
        try
        {
            OnnxBertImporter.ImportToFolder(Fixtures.Path("sbert", "tiny-bert.onnx"), folder, Fixtures.Path("sbert", "tiny-sbert", "vocab.txt"));
            Assert.True(File.Exists(Path.Combine(folder, "vocab.txt")));
            using var encoder = SentenceEncoder.Load(folder);
            Assert.False(encoder.Bert.HasPooler);
            // Plain HF folder: mean pooling, no Normalize; normalised here to compare with the golden.
            var expected = GoldenJson.Matrix(TinySbert.Golden.GetProperty("normalized_mean"));
            TinySbert.AssertClose(expected, encoder.Encode(TinySbert.ProbeTexts, normalize: true).Vectors, 1e-5, "imported folder");
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public void A_file_that_is_not_onnx_fails_with_its_name()
    {
        string path = Path.Combine(Path.GetTempPath(), $"manabi-not-onnx-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => OnnxGraph.Load(path));
            Assert.Contains(path, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MiniLM_matches_onnx_runtime_on_the_probe_texts()
    {
        using var model = DefaultSentenceModel.Import();
        Assert.Equal(384, model.Dimension);
        Assert.Equal(12, model.Bert.Config.NumAttentionHeads);
        string[] texts = TinySbert.ProbeTexts;
        var ours = model.Encode(texts, batchSize: 16).Vectors;

        using var options = new SessionOptions { IntraOpNumThreads = 2 };
        using var session = new InferenceSession(DefaultSentenceModel.ReadResource("model.onnx"), options);
        double worst = 1;
        for (int i = 0; i < texts.Length; i++)
        {
            using var batch = model.Tokenize([texts[i]]);
            long[] ids = batch.InputIds.data<long>().ToArray();
            int length = ids.Length;
            var inputs = new List<NamedOnnxValue>
            {
                NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, [1, length])),
                NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(Enumerable.Repeat(1L, length).ToArray(), [1, length])),
                NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[length], [1, length])),
            };
            using var results = session.Run(inputs.Where(v => session.InputMetadata.ContainsKey(v.Name)).ToList());
            float[] hidden = results.First().AsEnumerable<float>().ToArray();
            int width = hidden.Length / length;
            var mean = new double[width];
            for (int t = 0; t < length; t++)
            {
                for (int d = 0; d < width; d++)
                {
                    mean[d] += hidden[t * width + d] / length;
                }
            }
            double norm = Math.Sqrt(mean.Sum(x => x * x));
            double cosine = mean.Select((x, d) => x / norm * ours[i][d]).Sum();
            worst = Math.Min(worst, cosine);
        }
        Assert.True(worst >= 0.99999, $"lowest cosine against ONNX Runtime: {worst:F7}");
    }
}
