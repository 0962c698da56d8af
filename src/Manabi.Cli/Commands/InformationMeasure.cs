using Manabi.Numerics;

namespace Manabi.Cli.Commands;

/// <summary>One measure offered by <c>manabi info</c>: its sub-command name, description and computation.</summary>
/// <param name="Name">The sub-command name, e.g. <c>kl</c>.</param>
/// <param name="Description">What the measure is, for the help text.</param>
/// <param name="NeedsQ">True when the measure compares two distributions.</param>
/// <param name="Compute">Computes the value from p, q (null when <paramref name="NeedsQ"/> is false), base and normalize.</param>
public sealed record InformationMeasure(
    string Name,
    string Description,
    bool NeedsQ,
    Func<double[], double[]?, LogBase, bool, double> Compute)
{
    /// <summary>Every measure, in the order the help lists them.</summary>
    public static IReadOnlyList<InformationMeasure> All { get; } =
    [
        new("entropy", "Shannon entropy H(p).", false,
            (p, _, b, n) => InformationTheory.Entropy(p, b, n)),
        new("cross-entropy", "Cross-entropy H(p, q) = H(p) + KL(p‖q).", true,
            (p, q, b, n) => InformationTheory.CrossEntropy(p, q, b, n)),
        new("kl", "Kullback-Leibler divergence KL(p‖q) (asymmetric; inf where q = 0 but p > 0).", true,
            (p, q, b, n) => InformationTheory.KullbackLeibler(p, q, b, n)),
        new("js", "Jensen-Shannon divergence: mean KL to the mixture m = (p+q)/2; symmetric, at most ln 2 nats (1 bit).", true,
            (p, q, b, n) => InformationTheory.JensenShannonDivergence(p, q, b, n)),
        new("js-distance", "Jensen-Shannon distance: the square root of the JS divergence, a metric.", true,
            (p, q, b, n) => InformationTheory.JensenShannonDistance(p, q, b, n)),
        new("jeffreys", "Half Jeffreys divergence (KL(p‖q) + KL(q‖p)) / 2, the symmetric KL mean; unbounded, not JS.", true,
            (p, q, b, n) => InformationTheory.HalfJeffreys(p, q, b, n)),
    ];
}
