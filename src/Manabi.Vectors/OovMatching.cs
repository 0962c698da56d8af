namespace Manabi.Vectors;

/// <summary>How the matching part of an out-of-vocabulary vector picks and weighs its three stored keys.</summary>
public enum OovMatching
{
    /// <summary>
    /// Magnitude's rule: the three keys sharing the most n-grams (longest n-grams first, then shorter keys), averaged
    /// with equal weights.
    /// </summary>
    Magnitude = 0,

    /// <summary>
    /// Default. The same n-gram search keeps fifty candidates per n-gram length and also searches one length shorter,
    /// re-ranks them by Magnitude's typo distance to the key and weighs the best three by exp(−3·distance), so a
    /// one-letter typo lands nearest its source word.
    /// </summary>
    TypoAware = 1,
}
