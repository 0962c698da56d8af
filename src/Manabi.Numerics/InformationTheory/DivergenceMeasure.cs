namespace Manabi.Numerics;

/// <summary>The quantities that <see cref="DivergenceKernels"/> evaluates; each is computed in nats.</summary>
internal enum DivergenceMeasure
{
    /// <summary>H(p) = −Σ p log p.</summary>
    Entropy,

    /// <summary>H(p, q) = −Σ p log q.</summary>
    CrossEntropy,

    /// <summary>KL(p‖q) = Σ p log(p/q).</summary>
    KullbackLeibler,

    /// <summary>JS(p, q) = (KL(p‖m) + KL(q‖m)) / 2 with m = (p + q) / 2.</summary>
    JensenShannon,

    /// <summary>(KL(p‖q) + KL(q‖p)) / 2 = Σ (p − q) log(p/q) / 2.</summary>
    HalfJeffreys,
}
