using Manabi.SentenceTransformers.Losses;
using Manabi.SentenceTransformers;
using Manabi.TestSupport;
using Manabi.Torch.Losses;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Tests.Training;

public sealed class AdamWParityTests
{
    [Fact]
    public void Three_adamw_steps_of_mnrl_reproduce_the_losses_and_embeddings()
    {
        var batch = TinySbert.Golden.GetProperty("losses");
        double[] expectedLosses = GoldenJson.Vector(batch.GetProperty("train3_AdamW_lr1e-3_wd0.01_losses"));
        double[][] expectedEmbeddings = GoldenJson.Matrix(batch.GetProperty("train3_probe_embeddings"));
        string[] probes = TinySbert.Strings(batch.GetProperty("train3_probe_texts"));
        IReadOnlyList<string> anchors = TinySbert.Strings(batch.GetProperty("anchors"));
        IReadOnlyList<string> positives = TinySbert.Strings(batch.GetProperty("positives"));

        using var model = SentenceEncoder.Load(TinySbert.Folder);
        using var loss = new MultipleNegativesRankingLoss();
        using var optimizer = optim.AdamW(model.parameters(), 1e-3, 0.9, 0.999, 1e-8, 0.01);
        model.train();
        for (int step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var value = loss.Forward(model, [anchors, positives]);
            value.backward();
            optimizer.step();
            double actual = value.item<float>();
            Assert.True(Math.Abs(actual - expectedLosses[step]) <= 1e-4 * Math.Abs(expectedLosses[step]),
                $"step {step + 1}: loss {actual:R}, expected {expectedLosses[step]:R}");
        }
        model.eval();
        TinySbert.AssertClose(expectedEmbeddings, model.Encode(probes).Vectors, 1e-4, "probe embeddings after 3 steps");
    }
}
