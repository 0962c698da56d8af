namespace Manabi.Vectors;

/// <summary>Text and binary word-vector formats that <see cref="VectorStoreConverter"/> imports.</summary>
public enum VectorFileFormat
{
    /// <summary>
    /// Decide from the content and name: fastText's magic number means a fastText model, otherwise a <c>.bin</c> name
    /// means word2vec binary and anything else text (with or without a header line).
    /// </summary>
    Auto = 0,

    /// <summary>word2vec text: a <c>count dimensions</c> line, then <c>key v1 v2 ...</c> lines.</summary>
    Word2Vec = 1,

    /// <summary>word2vec binary: a <c>count dimensions</c> line, then key, space, little-endian float32 values.</summary>
    Word2VecBinary = 2,

    /// <summary>GloVe text: <c>key v1 v2 ...</c> lines without a header.</summary>
    Glove = 3,

    /// <summary>fastText <c>.vec</c>: the word2vec text layout.</summary>
    FastText = 4,

    /// <summary>
    /// fastText model <c>.bin</c> (unsupervised, not quantized): its word vectors plus its character n-gram bucket rows,
    /// so out-of-vocabulary words get fastText's own subword vectors.
    /// </summary>
    FastTextBinary = 5,
}
