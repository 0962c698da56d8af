using Manabi.Torch.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.Vision.Models;

/// <summary>The three outputs of an Attention Branch Network.</summary>
/// <param name="AttentionLogits">Logits of the attention branch (batch, classes).</param>
/// <param name="PerceptionLogits">Logits of the perception branch (batch, classes): the prediction.</param>
/// <param name="AttentionMap">The attention map M(x) in [0, 1], (batch, 1, h, w).</param>
public readonly record struct AttentionBranchOutput(Tensor AttentionLogits, Tensor PerceptionLogits, Tensor AttentionMap);

/// <summary>
/// The Attention Branch Network (Fukui et al., CVPR 2019) over a ResNet backbone. The feature extractor is the
/// stem and the first three stages; the attention branch is a stride-1 copy of the last stage, BatchNorm, a 1×1
/// convolution to K = classes maps, BatchNorm and ReLU, from which (a) a 1×1 convolution and global average
/// pooling give the attention-branch logits and (b) a convolution to one map, BatchNorm and a sigmoid give the
/// attention map M; the perception branch is the last stage on g'(x) = (1 + M(x))·g(x) (or M·g), then the classifier.
/// Train with <see cref="Loss"/> (the sum of both cross-entropies); predict from the perception branch.
/// </summary>
public sealed class AttentionBranchNetwork : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU act1;
    private readonly nn.Module<Tensor, Tensor> maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential att_layer4;
    private readonly BatchNorm2d bn_att;
    private readonly Conv2d att_conv;
    private readonly BatchNorm2d bn_att2;
    private readonly Conv2d att_conv2;
    private readonly Conv2d att_conv3;
    private readonly BatchNorm2d bn_att3;
    private readonly Sequential layer4;
    private readonly Linear fc;

    /// <summary>Creates the network over the backbone shape <paramref name="backbone"/>.</summary>
    /// <param name="backbone">The ResNet or SE-ResNet shape (its stages are rebuilt, not shared).</param>
    /// <param name="residualAttention">True for g' = (1 + M)·g (the paper's choice), false for g' = M·g.</param>
    /// <param name="device">Where the parameters live.</param>
    public AttentionBranchNetwork(ResNetConfig backbone, bool residualAttention = true, Device? device = null)
        : base("abn_" + backbone?.Name)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        Backbone = backbone;
        ResidualAttention = residualAttention;
        long stem = backbone.StemWidth;
        conv1 = backbone.SmallInput
            ? nn.Conv2d(backbone.InChannels, stem, 3, stride: 1, padding: 1, bias: false, device: device)
            : nn.Conv2d(backbone.InChannels, stem, 7, stride: 2, padding: 3, bias: false, device: device);
        bn1 = nn.BatchNorm2d(stem, device: device);
        act1 = nn.ReLU(inplace: true);
        maxpool = backbone.SmallInput ? nn.Identity() : nn.MaxPool2d(3, stride: 2, padding: 1);
        long channels = stem;
        (layer1, channels) = ResNet.MakeStage(backbone, channels, backbone.StageWidth(0), backbone.Layers[0], 1, device);
        (layer2, channels) = ResNet.MakeStage(backbone, channels, backbone.StageWidth(1), backbone.Layers[1], 2, device);
        (layer3, channels) = ResNet.MakeStage(backbone, channels, backbone.StageWidth(2), backbone.Layers[2], 2, device);
        long extracted = channels;
        (att_layer4, long attentionChannels) = ResNet.MakeStage(backbone, extracted, backbone.StageWidth(3), backbone.Layers[3], 1, device);
        int classes = backbone.Classes;
        bn_att = nn.BatchNorm2d(attentionChannels, device: device);
        att_conv = nn.Conv2d(attentionChannels, classes, 1, bias: false, device: device);
        bn_att2 = nn.BatchNorm2d(classes, device: device);
        att_conv2 = nn.Conv2d(classes, classes, 1, bias: false, device: device);
        att_conv3 = nn.Conv2d(classes, 1, 3, padding: 1, bias: false, device: device);
        bn_att3 = nn.BatchNorm2d(1, device: device);
        (layer4, channels) = ResNet.MakeStage(backbone, extracted, backbone.StageWidth(3), backbone.Layers[3], 2, device);
        fc = nn.Linear(channels, classes, device: device);
        RegisterComponents();
        ResNet.Initialize(this);
    }

    /// <summary>The backbone shape.</summary>
    public ResNetConfig Backbone { get; }

    /// <summary>True for g' = (1 + M)·g, false for g' = M·g.</summary>
    public bool ResidualAttention { get; }

    /// <summary>All three outputs.</summary>
    public AttentionBranchOutput ForwardAll(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != Backbone.InChannels)
        {
            throw new ArgumentException(
                $"ABN over {Backbone.Name} expects images of shape (batch, {Backbone.InChannels}, height, width) but got ({string.Join(", ", input.shape)}).", nameof(input));
        }
        using var scope = NewDisposeScope();
        var features = layer3.call(layer2.call(layer1.call(maxpool.call(act1.call(ConvBatchNorm.Forward(conv1, bn1, input))))));

        var attention = nn.functional.relu(ConvBatchNorm.Forward(att_conv, bn_att2, bn_att.call(att_layer4.call(features))));
        var attentionLogits = att_conv2.call(attention).mean([2, 3]);
        var map = nn.functional.sigmoid(ConvBatchNorm.Forward(att_conv3, bn_att3, attention));

        var weighted = ResidualAttention ? features * (map + 1) : features * map;
        var perceptionLogits = fc.call(layer4.call(weighted).mean([2, 3]));
        return new AttentionBranchOutput(attentionLogits.MoveToOuterDisposeScope(), perceptionLogits.MoveToOuterDisposeScope(), map.MoveToOuterDisposeScope());
    }

    /// <summary>The prediction: the perception branch's logits.</summary>
    public override Tensor forward(Tensor input)
    {
        var output = ForwardAll(input);
        output.AttentionLogits.Dispose();
        output.AttentionMap.Dispose();
        return output.PerceptionLogits;
    }

    /// <summary>The ABN training loss: CE(attention logits) + CE(perception logits), with optional label smoothing.</summary>
    public static Tensor Loss(AttentionBranchOutput output, Tensor targets, double labelSmoothing = 0)
    {
        using var scope = NewDisposeScope();
        var loss = nn.functional.cross_entropy(output.AttentionLogits, targets, label_smoothing: labelSmoothing)
            + nn.functional.cross_entropy(output.PerceptionLogits, targets, label_smoothing: labelSmoothing);
        return loss.MoveToOuterDisposeScope();
    }
}
