namespace Manabi.Numerics;

public static partial class InformationTheory
{
    /// <summary>
    /// The entropy of every row of a row-major matrix, as <see cref="Entropy(ReadOnlySpan{double}, LogBase, bool)"/>
    /// per row (<c>scipy.stats.entropy(matrix, axis=1)</c>). Rows are spread over all cores.
    /// </summary>
    /// <param name="matrix">The rows × <paramref name="columns"/> entries, row after row.</param>
    /// <param name="columns">The number of entries in a row; positive, and a divisor of the matrix's length.</param>
    /// <param name="destination">Receives one value per row; its length must be the number of rows.</param>
    /// <param name="logBase">The unit of the results; nats by default.</param>
    /// <param name="normalize">Whether to divide each row by its own sum first.</param>
    /// <exception cref="ArgumentException">
    /// The shapes do not fit, or an entry is negative, NaN or infinite (the message gives its row and column, as
    /// "matrix[2, 3]"), or a row is all zeros while normalizing. The first bad row is reported.
    /// </exception>
    public static void EntropyRows(ReadOnlySpan<double> matrix, int columns, Span<double> destination, LogBase logBase = default, bool normalize = true) =>
        RowEvaluator<double>.Run(DivergenceMeasure.Entropy, matrix, default, columns, destination, logBase, normalize, squareRoot: false, "matrix", "q");

    /// <summary>
    /// The entropy of every row of a row-major float matrix, computed in double precision and written as doubles.
    /// </summary>
    /// <inheritdoc cref="EntropyRows(ReadOnlySpan{double}, int, Span{double}, LogBase, bool)"/>
    public static void EntropyRows(ReadOnlySpan<float> matrix, int columns, Span<double> destination, LogBase logBase = default, bool normalize = true) =>
        RowEvaluator<float>.Run(DivergenceMeasure.Entropy, matrix, default, columns, destination, logBase, normalize, squareRoot: false, "matrix", "q");

    /// <summary>
    /// The cross-entropy H(p, q) of every pair of rows of two row-major matrices, as
    /// <see cref="CrossEntropy(ReadOnlySpan{double}, ReadOnlySpan{double}, LogBase, bool)"/> per row.
    /// Rows are spread over all cores.
    /// </summary>
    /// <param name="p">The first matrix: rows × <paramref name="columns"/> entries, row after row.</param>
    /// <param name="q">The second matrix, of the same shape as <paramref name="p"/>.</param>
    /// <param name="columns">The number of entries in a row; positive, and a divisor of the matrices' length.</param>
    /// <param name="destination">Receives one value per row; its length must be the number of rows.</param>
    /// <param name="logBase">The unit of the results; nats by default.</param>
    /// <param name="normalize">Whether to divide each row by its own sum first.</param>
    /// <exception cref="ArgumentException">
    /// The shapes do not fit, or an entry is negative, NaN or infinite (the message gives its row and column, as
    /// "q[2, 3]"), or a row is all zeros while normalizing. The first bad row is reported.
    /// </exception>
    public static void CrossEntropyRows(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int columns, Span<double> destination, LogBase logBase = default, bool normalize = true) =>
        RowEvaluator<double>.Run(DivergenceMeasure.CrossEntropy, p, q, columns, destination, logBase, normalize, squareRoot: false, "p", "q");

    /// <summary>
    /// The cross-entropy H(p, q) of every pair of rows of two row-major float matrices, computed in double precision and written
    /// as doubles.
    /// </summary>
    /// <inheritdoc cref="CrossEntropyRows(ReadOnlySpan{double}, ReadOnlySpan{double}, int, Span{double}, LogBase, bool)"/>
    public static void CrossEntropyRows(ReadOnlySpan<float> p, ReadOnlySpan<float> q, int columns, Span<double> destination, LogBase logBase = default, bool normalize = true) =>
        RowEvaluator<float>.Run(DivergenceMeasure.CrossEntropy, p, q, columns, destination, logBase, normalize, squareRoot: false, "p", "q");

    /// <summary>
    /// The Kullback-Leibler divergence KL(p‖q) of every pair of rows of two row-major matrices, as
    /// <see cref="KullbackLeibler(ReadOnlySpan{double}, ReadOnlySpan{double}, LogBase, bool)"/> per row (<c>scipy.stats.entropy(p, q, axis=1)</c>).
    /// Rows are spread over all cores.
    /// </summary>
    /// <param name="p">The first matrix: rows × <paramref name="columns"/> entries, row after row.</param>
    /// <param name="q">The second matrix, of the same shape as <paramref name="p"/>.</param>
    /// <param name="columns">The number of entries in a row; positive, and a divisor of the matrices' length.</param>
    /// <param name="destination">Receives one value per row; its length must be the number of rows.</param>
    /// <param name="logBase">The unit of the results; nats by default.</param>
    /// <param name="normalize">Whether to divide each row by its own sum first.</param>
    /// <exception cref="ArgumentException">
    /// The shapes do not fit, or an entry is negative, NaN or infinite (the message gives its row and column, as
    /// "q[2, 3]"), or a row is all zeros while normalizing. The first bad row is reported.
    /// </exception>
    public static void KullbackLeiblerRows(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int columns, Span<double> destination, LogBase logBase = default, bool normalize = true) =>
        RowEvaluator<double>.Run(DivergenceMeasure.KullbackLeibler, p, q, columns, destination, logBase, normalize, squareRoot: false, "p", "q");

    /// <summary>
    /// The Kullback-Leibler divergence KL(p‖q) of every pair of rows of two row-major float matrices, computed in double precision and written
    /// as doubles.
    /// </summary>
    /// <inheritdoc cref="KullbackLeiblerRows(ReadOnlySpan{double}, ReadOnlySpan{double}, int, Span{double}, LogBase, bool)"/>
    public static void KullbackLeiblerRows(ReadOnlySpan<float> p, ReadOnlySpan<float> q, int columns, Span<double> destination, LogBase logBase = default, bool normalize = true) =>
        RowEvaluator<float>.Run(DivergenceMeasure.KullbackLeibler, p, q, columns, destination, logBase, normalize, squareRoot: false, "p", "q");

    /// <summary>
    /// The Jensen-Shannon divergence of every pair of rows of two row-major matrices, as
    /// <see cref="JensenShannonDivergence(ReadOnlySpan{double}, ReadOnlySpan{double}, LogBase, bool)"/> per row.
    /// Rows are spread over all cores.
    /// </summary>
    /// <param name="p">The first matrix: rows × <paramref name="columns"/> entries, row after row.</param>
    /// <param name="q">The second matrix, of the same shape as <paramref name="p"/>.</param>
    /// <param name="columns">The number of entries in a row; positive, and a divisor of the matrices' length.</param>
    /// <param name="destination">Receives one value per row; its length must be the number of rows.</param>
    /// <param name="logBase">The unit of the results; nats by default.</param>
    /// <param name="normalize">Whether to divide each row by its own sum first.</param>
    /// <exception cref="ArgumentException">
    /// The shapes do not fit, or an entry is negative, NaN or infinite (the message gives its row and column, as
    /// "q[2, 3]"), or a row is all zeros while normalizing. The first bad row is reported.
    /// </exception>
    public static void JensenShannonDivergenceRows(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int columns, Span<double> destination, LogBase logBase = default, bool normalize = true) =>
        RowEvaluator<double>.Run(DivergenceMeasure.JensenShannon, p, q, columns, destination, logBase, normalize, squareRoot: false, "p", "q");

    /// <summary>
    /// The Jensen-Shannon divergence of every pair of rows of two row-major float matrices, computed in double precision and written
    /// as doubles.
    /// </summary>
    /// <inheritdoc cref="JensenShannonDivergenceRows(ReadOnlySpan{double}, ReadOnlySpan{double}, int, Span{double}, LogBase, bool)"/>
    public static void JensenShannonDivergenceRows(ReadOnlySpan<float> p, ReadOnlySpan<float> q, int columns, Span<double> destination, LogBase logBase = default, bool normalize = true) =>
        RowEvaluator<float>.Run(DivergenceMeasure.JensenShannon, p, q, columns, destination, logBase, normalize, squareRoot: false, "p", "q");

    /// <summary>
    /// The Jensen-Shannon distance of every pair of rows of two row-major matrices, as
    /// <see cref="JensenShannonDistance(ReadOnlySpan{double}, ReadOnlySpan{double}, LogBase, bool)"/> per row (<c>scipy.spatial.distance.jensenshannon(p, q, axis=1)</c>).
    /// Rows are spread over all cores.
    /// </summary>
    /// <param name="p">The first matrix: rows × <paramref name="columns"/> entries, row after row.</param>
    /// <param name="q">The second matrix, of the same shape as <paramref name="p"/>.</param>
    /// <param name="columns">The number of entries in a row; positive, and a divisor of the matrices' length.</param>
    /// <param name="destination">Receives one value per row; its length must be the number of rows.</param>
    /// <param name="logBase">The unit of the results; nats by default.</param>
    /// <param name="normalize">Whether to divide each row by its own sum first.</param>
    /// <exception cref="ArgumentException">
    /// The shapes do not fit, or an entry is negative, NaN or infinite (the message gives its row and column, as
    /// "q[2, 3]"), or a row is all zeros while normalizing. The first bad row is reported.
    /// </exception>
    public static void JensenShannonDistanceRows(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int columns, Span<double> destination, LogBase logBase = default, bool normalize = true) =>
        RowEvaluator<double>.Run(DivergenceMeasure.JensenShannon, p, q, columns, destination, logBase, normalize, squareRoot: true, "p", "q");

    /// <summary>
    /// The Jensen-Shannon distance of every pair of rows of two row-major float matrices, computed in double precision and written
    /// as doubles.
    /// </summary>
    /// <inheritdoc cref="JensenShannonDistanceRows(ReadOnlySpan{double}, ReadOnlySpan{double}, int, Span{double}, LogBase, bool)"/>
    public static void JensenShannonDistanceRows(ReadOnlySpan<float> p, ReadOnlySpan<float> q, int columns, Span<double> destination, LogBase logBase = default, bool normalize = true) =>
        RowEvaluator<float>.Run(DivergenceMeasure.JensenShannon, p, q, columns, destination, logBase, normalize, squareRoot: true, "p", "q");

    /// <summary>
    /// The half Jeffreys divergence (KL(p‖q) + KL(q‖p)) / 2 of every pair of rows of two row-major matrices, as
    /// <see cref="HalfJeffreys(ReadOnlySpan{double}, ReadOnlySpan{double}, LogBase, bool)"/> per row.
    /// Rows are spread over all cores.
    /// </summary>
    /// <param name="p">The first matrix: rows × <paramref name="columns"/> entries, row after row.</param>
    /// <param name="q">The second matrix, of the same shape as <paramref name="p"/>.</param>
    /// <param name="columns">The number of entries in a row; positive, and a divisor of the matrices' length.</param>
    /// <param name="destination">Receives one value per row; its length must be the number of rows.</param>
    /// <param name="logBase">The unit of the results; nats by default.</param>
    /// <param name="normalize">Whether to divide each row by its own sum first.</param>
    /// <exception cref="ArgumentException">
    /// The shapes do not fit, or an entry is negative, NaN or infinite (the message gives its row and column, as
    /// "q[2, 3]"), or a row is all zeros while normalizing. The first bad row is reported.
    /// </exception>
    public static void HalfJeffreysRows(ReadOnlySpan<double> p, ReadOnlySpan<double> q, int columns, Span<double> destination, LogBase logBase = default, bool normalize = true) =>
        RowEvaluator<double>.Run(DivergenceMeasure.HalfJeffreys, p, q, columns, destination, logBase, normalize, squareRoot: false, "p", "q");

    /// <summary>
    /// The half Jeffreys divergence (KL(p‖q) + KL(q‖p)) / 2 of every pair of rows of two row-major float matrices, computed in double precision and written
    /// as doubles.
    /// </summary>
    /// <inheritdoc cref="HalfJeffreysRows(ReadOnlySpan{double}, ReadOnlySpan{double}, int, Span{double}, LogBase, bool)"/>
    public static void HalfJeffreysRows(ReadOnlySpan<float> p, ReadOnlySpan<float> q, int columns, Span<double> destination, LogBase logBase = default, bool normalize = true) =>
        RowEvaluator<float>.Run(DivergenceMeasure.HalfJeffreys, p, q, columns, destination, logBase, normalize, squareRoot: false, "p", "q");
}
