using System.Text.Json.Nodes;
using Manabi.SentenceTransformers.Models.Bert;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers;

/// <summary>sentence-transformers' <c>Dense</c> module: activation(linear(x)) on the sentence embedding.</summary>
public sealed class Dense : nn.Module<Tensor, Tensor>
{
    private const string DefaultActivation = "torch.nn.modules.activation.Tanh";
#pragma warning disable IDE1006 // Field name is the state_dict key prefix of sentence-transformers' Dense.
    private readonly Linear linear;
#pragma warning restore IDE1006
    private readonly Func<Tensor, Tensor> _activation;

    /// <summary>Creates a freshly initialised layer.</summary>
    /// <param name="inFeatures">Input width.</param>
    /// <param name="outFeatures">Output width.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <param name="activationFunction">A PyTorch class path such as <c>torch.nn.modules.activation.Tanh</c>.</param>
    public Dense(int inFeatures, int outFeatures, bool bias = true, string activationFunction = DefaultActivation) : base(nameof(Dense))
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        HasBias = bias;
        ActivationFunction = activationFunction;
        _activation = ResolveActivation(activationFunction);
        linear = nn.Linear(inFeatures, outFeatures, bias);
        RegisterComponents();
    }

    /// <summary>Input width.</summary>
    public int InFeatures { get; }

    /// <summary>Output width.</summary>
    public int OutFeatures { get; }

    /// <summary>Whether the linear layer has a bias.</summary>
    public bool HasBias { get; }

    /// <summary>The activation's PyTorch class path.</summary>
    public string ActivationFunction { get; }

    /// <summary>Reads a Dense folder: <c>config.json</c> and <c>model.safetensors</c> (or <c>pytorch_model.bin</c>).</summary>
    public static Dense Load(string folder)
    {
        string path = Path.Combine(folder, "config.json");
        JsonObject o = JsonFiles.ParseObject(path);
        int inFeatures = JsonFiles.ReadInt(o, "in_features", path) ?? throw new InvalidDataException($"{path}: no \"in_features\"");
        int outFeatures = JsonFiles.ReadInt(o, "out_features", path) ?? throw new InvalidDataException($"{path}: no \"out_features\"");
        Dense dense;
        try
        {
            dense = new Dense(inFeatures, outFeatures, JsonFiles.ReadBool(o, "bias", path) ?? true,
                JsonFiles.ReadString(o, "activation_function", path) ?? DefaultActivation);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        string weights = BertWeights.WeightsPath(folder);
        var state = BertWeights.ReadStateDict(weights);
        try
        {
            BertWeights.CopyInto(dense, state, weights);
        }
        finally
        {
            foreach (var t in state.Values)
            {
                t.Dispose();
            }
        }
        return dense;
    }

    /// <summary>Writes <c>config.json</c> and <c>model.safetensors</c> into <paramref name="folder"/>.</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        JsonFiles.WriteAtomically(Path.Combine(folder, "config.json"), new JsonObject
        {
            ["in_features"] = InFeatures,
            ["out_features"] = OutFeatures,
            ["bias"] = HasBias,
            ["activation_function"] = ActivationFunction,
        });
        BertWeights.WriteSafetensors(this, Path.Combine(folder, BertWeights.SafetensorsFileName));
    }

    /// <summary>activation(linear(<paramref name="input"/>)).</summary>
    public override Tensor forward(Tensor input)
    {
        using var projected = linear.forward(input);
        return _activation(projected);
    }

    private static Func<Tensor, Tensor> ResolveActivation(string name) => name.Split('.')[^1] switch
    {
        "Tanh" => x => x.tanh(),
        "Identity" => x => x.alias(),
        "ReLU" => x => nn.functional.relu(x),
        "GELU" => x => nn.functional.gelu(x),
        "Sigmoid" => x => x.sigmoid(),
        "SiLU" => x => nn.functional.silu(x),
        _ => throw new ArgumentException($"activation_function \"{name}\" is not supported (Tanh, Identity, ReLU, GELU, Sigmoid, SiLU)"),
    };
}
