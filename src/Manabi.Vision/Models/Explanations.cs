using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Vision.Models;

/// <summary>Visual explanations of a classifier's decisions, whatever its family.</summary>
public static class Explanations
{
    /// <summary>
    /// Per-image maps in [0, 1] (batch, h, w) and predicted classes: the attention map M(x) of an
    /// <see cref="AttentionBranchNetwork"/>, attention rollout of a <see cref="VisionTransformer"/>, and class
    /// activation maps of a <see cref="ResNet"/>. The model is put in evaluation mode.
    /// </summary>
    /// <exception cref="NotSupportedException">The model has no explanation method.</exception>
    public static (Tensor Maps, Tensor Predictions) Explain(nn.Module<Tensor, Tensor> model, Tensor images)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        switch (model)
        {
            case AttentionBranchNetwork abn:
            {
                var output = abn.ForwardAll(images);
                return (output.AttentionMap.squeeze(1).MoveToOuterDisposeScope(), output.PerceptionLogits.argmax(1).MoveToOuterDisposeScope());
            }
            case VisionTransformer vit:
                return (vit.AttentionRollout(images).MoveToOuterDisposeScope(), vit.call(images).argmax(1).MoveToOuterDisposeScope());
            case ResNet resnet:
            {
                var (maps, predictions) = resnet.ClassActivationMap(images);
                return (maps.MoveToOuterDisposeScope(), predictions.MoveToOuterDisposeScope());
            }
            default:
                throw new NotSupportedException($"No explanation method for {model.GetType().Name}.");
        }
    }
}
