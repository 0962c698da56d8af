using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.Torch.Training;

/// <summary>A TorchSharp optimiser (such as <c>optim.AdamW</c>) driven by the <see cref="TrainingLoop{TState, TEpochRecord}"/>.</summary>
/// <param name="optimizer">The optimiser; every parameter group takes the loop's learning rate.</param>
/// <param name="parameters">The parameters it updates, whose gradient norm the loop clips.</param>
internal sealed class TorchOptimizerSteps(optim.Optimizer optimizer, IReadOnlyList<Parameter> parameters) : ITrainingOptimizer
{
    /// <inheritdoc/>
    public IEnumerable<Parameter> Parameters => parameters;

    /// <inheritdoc/>
    public void ZeroGrad() => optimizer.zero_grad();

    /// <inheritdoc/>
    public void Step(double learningRate)
    {
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = learningRate;
        }
        optimizer.step();
    }
}
