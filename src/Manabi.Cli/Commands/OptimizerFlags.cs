using System.CommandLine;
using Manabi.Torch.Training;

namespace Manabi.Cli.Commands;

/// <summary>
/// The optimiser flags that <c>vision train</c> and <c>siamese train</c> share (<c>--optimizer</c>, <c>--momentum</c>,
/// <c>--nesterov</c>), parsed and checked once so that both commands refuse the same combinations with the same words.
/// The learning rate and weight decay stay with each command: their defaults differ.
/// </summary>
internal sealed class OptimizerFlags
{
    public Option<string> Optimizer { get; } = new("--optimizer") { Description = "adamw or sgd.", DefaultValueFactory = _ => "adamw" };

    public Option<double> Momentum { get; } = new("--momentum") { Description = "SGD momentum.", DefaultValueFactory = _ => 0.9 };

    public Option<bool> Nesterov { get; } = new("--nesterov") { Description = "SGD with Nesterov momentum (PyTorch's nesterov=True; timm's 'sgd')." };

    /// <summary>The optimiser, momentum and Nesterov switch given, or bad input naming the flag.</summary>
    public (OptimizerKind Kind, double Momentum, bool Nesterov) Read(ParseResult parseResult)
    {
        var kind = parseResult.GetValue(Optimizer)!.ToLowerInvariant() switch
        {
            "adamw" => OptimizerKind.AdamW,
            "sgd" => OptimizerKind.Sgd,
            var other => throw new InputException($"--optimizer: '{other}' is not adamw or sgd."),
        };
        double momentum = parseResult.GetValue(Momentum);
        bool nesterov = parseResult.GetValue(Nesterov);
        Check.InRange(momentum, "--momentum", 0, 1, maxExclusive: true);
        // An explicit --momentum with AdamW would be ignored without a word, so it is refused like --nesterov.
        if (kind != OptimizerKind.Sgd && (nesterov || parseResult.GetResult(Momentum) is { Implicit: false }))
        {
            throw new InputException("--momentum and --nesterov apply to --optimizer sgd only.");
        }
        if (nesterov && momentum == 0)
        {
            throw new InputException("--nesterov: Nesterov momentum needs a --momentum above 0.");
        }
        return (kind, momentum, nesterov);
    }
}
