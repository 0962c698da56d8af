using Manabi.TestSupport;
using Manabi.SentenceTransformers;
using Microsoft.Extensions.AI;

namespace Manabi.SentenceTransformers.Tests;

public sealed class SentenceEncoderTests
{
    [Fact]
    public void Tiny_sbert_loads_with_its_pipeline()
    {
        var model = TinySbert.Model;
        Assert.Equal(128, model.MaxSeqLength);
        Assert.Equal(PoolingMode.Mean, model.Pooling.Mode);
        Assert.True(model.NormalizesEmbeddings);
        Assert.Equal(64, model.Dimension);
        Assert.Equal(TinySbert.Golden.GetProperty("max_seq_length").GetInt32(), model.MaxSeqLength);
    }

    [Fact]
    public void Normalized_mean_embeddings_match_sentence_transformers()
    {
        var expected = GoldenJson.Matrix(TinySbert.Golden.GetProperty("normalized_mean"));
        var actual = TinySbert.Model.Encode(TinySbert.ProbeTexts, batchSize: 8);
        TinySbert.AssertClose(expected, actual.Vectors, 1e-5, "normalized_mean");
    }

    [Theory]
    [InlineData("mean")]
    [InlineData("cls")]
    [InlineData("max")]
    [InlineData("mean_sqrt_len_tokens")]
    [InlineData("weightedmean")]
    [InlineData("lasttoken")]
    public void Every_pooling_mode_matches_sentence_transformers(string mode)
    {
        var expected = GoldenJson.Matrix(TinySbert.Golden.GetProperty("pool_" + mode));
        var actual = TinySbert.Model.Encode(TinySbert.ProbeTexts, batchSize: 8, pooling: PoolingModes.Parse(mode));
        TinySbert.AssertClose(expected, actual.Vectors, 1e-5, "pool_" + mode);
    }

    [Fact]
    public void Concatenated_pooling_is_the_modes_side_by_side_in_sentence_transformers_order()
    {
        var texts = TinySbert.ProbeTexts[..10];
        var both = TinySbert.Model.Encode(texts, pooling: PoolingMode.Max | PoolingMode.Cls).Vectors;
        var cls = TinySbert.Model.Encode(texts, pooling: PoolingMode.Cls).Vectors;
        var max = TinySbert.Model.Encode(texts, pooling: PoolingMode.Max).Vectors;
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(cls[i].Concat(max[i]).ToArray(), both[i]);
        }
        Assert.Equal("cls+max", PoolingModes.Format(PoolingModes.Parse("max+cls")));
    }

    [Fact]
    public void Results_do_not_depend_on_batch_size_or_order()
    {
        string[] texts = TinySbert.ProbeTexts;
        var reference = TinySbert.Model.Encode(texts, batchSize: 1).Vectors;
        foreach (int batch in new[] { 3, 16, 64 })
        {
            var vectors = TinySbert.Model.Encode(texts, batchSize: batch).Vectors;
            TinySbert.AssertClose(reference.Select(v => v.Select(x => (double)x).ToArray()).ToArray(), vectors, 1e-5, $"batch {batch}");
        }
        var reversed = TinySbert.Model.Encode(texts.Reverse().ToArray(), batchSize: 7).Vectors.Reverse().ToArray();
        TinySbert.AssertClose(reference.Select(v => v.Select(x => (double)x).ToArray()).ToArray(), reversed, 1e-5, "reversed order");
    }

    [Fact]
    public void Long_inputs_are_truncated_and_counted()
    {
        string longText = string.Join(' ', Enumerable.Repeat("transformers attend to every token", 100));
        var result = TinySbert.Model.Encode(["short one", longText, "  another  "]);
        Assert.Equal(1, result.Truncated);
        Assert.Equal(3, result.Vectors.Length);
        using var batch = TinySbert.Model.Tokenize([longText]);
        Assert.Equal(128, batch.InputIds.shape[1]);
        Assert.Equal(102, batch.InputIds[0, 127].item<long>());
    }

    [Fact]
    public void Text_is_stripped_before_tokenization()
    {
        var a = TinySbert.Model.Encode(["  Hello, world!!\n"]).Vectors[0];
        var b = TinySbert.Model.Encode(["Hello, world!!"]).Vectors[0];
        Assert.Equal(b, a);
    }

    [Fact]
    public void Saved_folder_loads_back_to_the_same_embeddings()
    {
        string folder = Path.Combine(Path.GetTempPath(), "manabi-sbert-" + Guid.NewGuid().ToString("N"));
        try
        {
            TinySbert.Model.Save(folder);
            foreach (string file in new[] { "modules.json", "config.json", "model.safetensors", "tokenizer.json", "vocab.txt",
                         "sentence_bert_config.json", "1_Pooling/config.json" })
            {
                Assert.True(File.Exists(Path.Combine(folder, file)), file);
            }
            using var loaded = SentenceEncoder.Load(folder);
            var texts = TinySbert.ProbeTexts[..12];
            var expected = TinySbert.Model.Encode(texts).Vectors;
            Assert.Equal(expected, loaded.Encode(texts).Vectors);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Old_style_pooling_config_and_dense_module_load()
    {
        string folder = Path.Combine(Path.GetTempPath(), "manabi-pool-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "config.json"),
                """{"word_embedding_dimension": 64, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false, "pooling_mode_max_tokens": true}""");
            var pooling = Pooling.Load(folder);
            Assert.Equal(PoolingMode.Cls | PoolingMode.Max, pooling.Mode);
            Assert.Equal(128, pooling.OutputDimension);

            File.WriteAllText(Path.Combine(folder, "config.json"), """{"embedding_dimension": 64, "pooling_mode": "bogus"}""");
            var error = Assert.Throws<InvalidDataException>(() => Pooling.Load(folder));
            Assert.Contains("config.json", error.Message);
            Assert.Contains("bogus", error.Message);

            using var dense = new Dense(64, 16);
            dense.Save(folder);
            using var reloaded = Dense.Load(folder);
            Assert.Equal(16, reloaded.OutFeatures);
            Assert.Equal("torch.nn.modules.activation.Tanh", reloaded.ActivationFunction);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Implements_the_microsoft_extensions_ai_embedding_generator()
    {
        IEmbeddingGenerator<string, Embedding<float>> generator = TinySbert.Model;
        var embeddings = await generator.GenerateAsync(["I have a new GPU!", "annoyingly"]);
        Assert.Equal(2, embeddings.Count);
        Assert.Equal(64, embeddings[0].Vector.Length);
        var expected = TinySbert.Model.Encode(["I have a new GPU!", "annoyingly"]).Vectors[0];
        Assert.Equal(expected, embeddings[0].Vector.ToArray());
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.Equal(64, metadata!.DefaultModelDimensions);
    }
}
