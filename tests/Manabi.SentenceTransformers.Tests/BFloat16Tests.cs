using Manabi.TestSupport;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Tests;

/// <summary>
/// <see cref="SentenceEncoder.UseBFloat16"/>: bfloat16 embeddings of the real all-MiniLM-L6-v2 stay within 0.9999 cosine
/// of its float32 ones on held-out text, come back as float32, and a bfloat16 encoder refuses to train or to be
/// quantized to int8 as well.
/// </summary>
public sealed class BFloat16Tests(ITestOutputHelper output)
{
    [Fact]
    public void BFloat16_embeddings_of_the_default_model_agree_with_float32_on_held_out_text()
    {
        var texts = File.ReadLines(Fixtures.Path("tokenizer", "heldout.txt")).Where(l => l.Trim().Length > 0).Take(400).ToList();
        using var reference = DefaultSentenceModel.Load();
        using var half = DefaultSentenceModel.Load();
        half.UseBFloat16();
        half.UseBFloat16(); // a second call does nothing
        Assert.True(half.IsBFloat16);
        Assert.False(reference.IsBFloat16);
        Assert.All(half.Bert.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        var agreement = EmbeddingAgreement.Of(reference.Encode(texts).Vectors, half.Encode(texts).Vectors);
        output.WriteLine($"cosine to float32 over {texts.Count} held-out lines: {agreement}");
        // The bfloat16 path really ran (embeddings differ), and stayed close: docs/RESULTS.md records the full figures.
        Assert.True(agreement.LargestChange > 1e-4, "the bfloat16 encoder returned the float32 embeddings");
        Assert.True(agreement.Mean >= 0.9999, $"mean cosine {agreement.Mean:F6} < 0.9999");
        Assert.True(agreement.Lowest >= 0.999, $"lowest cosine {agreement.Lowest:F6} < 0.999");

        // Token embeddings (what the server pools) come back as float32 too.
        using var batch = half.Tokenize(texts.Take(3).ToList());
        using var tokens = half.TokenEmbeddings(batch);
        Assert.Equal(ScalarType.Float32, tokens.dtype);
    }

    [Fact]
    public void A_bfloat16_encoder_refuses_to_train_and_int8_and_bfloat16_exclude_each_other()
    {
        using var encoder = SentenceEncoder.Load(TinySbert.Folder);
        encoder.UseBFloat16();
        var error = Assert.Throws<NotSupportedException>(encoder.QuantizeInt8);
        Assert.Contains("BFloat16", error.Message, StringComparison.Ordinal);
        var vectors = encoder.Encode(TinySbert.ProbeTexts).Vectors;
        Assert.All(vectors, v => Assert.All(v, x => Assert.True(float.IsFinite(x))));
        using var batch = encoder.Tokenize(TinySbert.ProbeTexts);
        encoder.train();
        var training = Assert.Throws<InvalidOperationException>(() => encoder.Forward(batch));
        Assert.Contains("bfloat16", training.Message, StringComparison.Ordinal);
        encoder.eval();

        using var quantized = SentenceEncoder.Load(TinySbert.Folder);
        quantized.QuantizeInt8();
        var both = Assert.Throws<InvalidOperationException>(quantized.UseBFloat16);
        Assert.Contains("alternatives", both.Message, StringComparison.Ordinal);
        Assert.False(quantized.IsBFloat16);
    }
}
