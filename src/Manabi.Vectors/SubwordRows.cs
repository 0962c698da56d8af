namespace Manabi.Vectors;

/// <summary>A fastText model's n-gram settings and bucket rows, kept in a store for out-of-vocabulary words.</summary>
/// <param name="Subwords">minn, maxn and the bucket count.</param>
/// <param name="Rows">Row-major bucket rows, raw (not normalized).</param>
internal sealed record SubwordRows(FastTextSubwords Subwords, float[] Rows);
