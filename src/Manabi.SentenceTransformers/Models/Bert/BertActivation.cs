using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Models.Bert;

/// <summary>The feed-forward activations that transformers' <c>ACT2FN</c> offers for BERT, by their config name.</summary>
public static class BertActivation
{
    /// <summary>The function named by <c>hidden_act</c>.</summary>
    /// <exception cref="ArgumentException">An activation this library does not implement.</exception>
    public static Func<Tensor, Tensor> Resolve(string name) => name switch
    {
        "gelu" => x => nn.functional.gelu(x),
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => x => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        "relu" => x => nn.functional.relu(x),
        "silu" or "swish" => x => nn.functional.silu(x),
        "tanh" => x => x.tanh(),
        _ => throw new ArgumentException($"hidden_act \"{name}\" is not supported (gelu, gelu_new, gelu_pytorch_tanh, relu, silu, tanh)"),
    };
}
