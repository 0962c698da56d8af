using Manabi.Torch.Evaluation;
using Manabi.Torch.Losses;
using Manabi.Torch.Runtime;
using Manabi.SentenceTransformers;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Tests.Siamese;

/// <summary>The metric losses train a BERT text encoder as they train image encoders: one shared encoder, gradients into it.</summary>
public sealed class TextSiameseTests
{
    public TextSiameseTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Triplet_and_NT_Xent_losses_backpropagate_through_a_shared_BERT_encoder()
    {
        using var model = SentenceEncoder.Load(TinySbert.Folder);
        string[] anchors = ["a man is eating food", "a plane is taking off", "a cat sleeps on the sofa"];
        string[] positives = ["someone eats a meal", "an airplane departs", "a kitten naps on the couch"];
        string[] negatives = ["the stock market fell", "a child plays the piano", "rain is expected tomorrow"];
        using var scope = NewDisposeScope();
        Tensor Embed(string[] texts)
        {
            using var batch = model.Tokenize(texts);
            return model.Forward(batch);
        }
        var a = Embed(anchors);
        var p = Embed(positives);
        var n = Embed(negatives);
        var triplet = new TripletMarginLoss(0.5, EmbeddingDistance.Cosine).Compute(a, p, n);
        var contrastive = new NTXentLoss(0.1).Compute(a, p);
        (triplet + contrastive).backward();
        var gradients = model.parameters().Where(w => w.grad is not null).Select(w => w.grad!.abs().sum().item<float>()).ToList();
        Assert.NotEmpty(gradients);
        Assert.Contains(gradients, g => g > 0);
        Assert.True(float.IsFinite(triplet.item<float>()) && float.IsFinite(contrastive.item<float>()));
    }
}
