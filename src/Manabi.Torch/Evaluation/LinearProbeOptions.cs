namespace Manabi.Torch.Evaluation;

/// <summary>Training settings of <see cref="LinearProbe.Fit"/>. The defaults reach about 84.5% test accuracy on raw
/// Fashion-MNIST pixels (the usual figure for logistic regression) in a few seconds.</summary>
/// <param name="Epochs">Passes over the training embeddings (default 30); see <see cref="MinimumSteps"/> for small sets.</param>
/// <param name="LearningRate">Peak Adam learning rate, decayed to 0 by a cosine schedule over all steps (default 0.01;
/// the features are standardised, so one rate suits most embeddings).</param>
/// <param name="WeightDecay">Coefficient λ of the L2 penalty (λ/2)·‖W‖² on the weights (not the biases) added to the
/// mean cross-entropy (default 1e-4).</param>
/// <param name="BatchSize">Rows per Adam step (default 1024); also bounds the memory of a step.</param>
/// <param name="Seed">Seed of the per-epoch shuffling (the weights start at zero, so nothing else is random).</param>
public sealed record LinearProbeOptions(int Epochs = 30, double LearningRate = 0.01, double WeightDecay = 1e-4, int BatchSize = 1024, int Seed = 0)
{
    /// <summary>
    /// Fewest Adam steps (default 1000): when <see cref="Epochs"/> passes over a small training set give fewer steps,
    /// more passes are made, because Adam from zero weights needs on the order of a thousand steps to converge
    /// whatever the number of rows.
    /// </summary>
    public int MinimumSteps { get; init; } = 1000;
}
