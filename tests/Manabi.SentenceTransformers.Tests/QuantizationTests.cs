using System.Numerics.Tensors;
using Manabi.TestSupport;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Tests;

/// <summary>
/// <see cref="SentenceEncoder.QuantizeInt8"/>: int8 embeddings of the real all-MiniLM-L6-v2 stay close to its float32
/// ones on held-out text, and a quantized encoder keeps its float32 weights and refuses to train.
/// </summary>
public sealed class QuantizationTests(ITestOutputHelper output)
{
    private static List<string> HeldOut(int count) =>
        [.. File.ReadLines(Fixtures.Path("tokenizer", "heldout.txt")).Where(l => l.Trim().Length > 0).Take(count)];

    [Fact]
    public void Int8_embeddings_of_the_default_model_agree_with_float32_on_held_out_text()
    {
        var texts = HeldOut(400);
        using var reference = DefaultSentenceModel.Load();
        using var quantized = DefaultSentenceModel.Load();
        quantized.QuantizeInt8();
        Assert.True(quantized.IsQuantized);
        Assert.False(reference.IsQuantized);
        var expected = reference.Encode(texts).Vectors;
        var actual = quantized.Encode(texts).Vectors;
        var agreement = EmbeddingAgreement.Of(expected, actual);
        output.WriteLine($"cosine to float32 over {texts.Count} held-out lines: {agreement}");
        // The int8 path really ran (embeddings differ), and stayed close: docs/RESULTS.md records the full held-out figures.
        Assert.True(agreement.LargestChange > 1e-4, "the quantized encoder returned the float32 embeddings");
        Assert.True(agreement.Mean >= 0.99, $"mean cosine {agreement.Mean:F5} < 0.99");
        Assert.True(agreement.Lowest >= 0.9, $"lowest cosine {agreement.Lowest:F5} < 0.9");

        // Each call quantizes its activations from its own range, so a text's embedding depends a little on its batch.
        var alone = quantized.Encode(texts.Take(20).ToList(), batchSize: 1).Vectors;
        for (int i = 0; i < alone.Length; i++)
        {
            Assert.True(TensorPrimitives.CosineSimilarity(actual[i], alone[i]) >= 0.98, $"text {i}: batch of 1 against batch of 32");
        }
    }

    [Fact]
    public void A_quantized_encoder_keeps_its_float32_weights_and_refuses_to_train()
    {
        using var encoder = SentenceEncoder.Load(TinySbert.Folder);
        var before = encoder.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        encoder.QuantizeInt8();
        encoder.QuantizeInt8(); // a second call does nothing
        Assert.True(encoder.IsQuantized);
        var after = encoder.state_dict();
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, value) in before)
        {
            Assert.True(value.equal(after[name]).all().item<bool>(), $"{name} changed");
            value.Dispose();
        }
        var vectors = encoder.Encode(TinySbert.ProbeTexts).Vectors;
        Assert.All(vectors, v => Assert.All(v, x => Assert.True(float.IsFinite(x))));
        using var batch = encoder.Tokenize(TinySbert.ProbeTexts);
        encoder.train();
        var error = Assert.Throws<InvalidOperationException>(() => encoder.Forward(batch));
        Assert.Contains("int8", error.Message, StringComparison.Ordinal);
        encoder.eval();
    }
}
