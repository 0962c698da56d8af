namespace Manabi.Vectors;

/// <summary>How <see cref="VectorStore.Open(string, VectorStoreOptions?)"/> opens and answers.</summary>
public sealed class VectorStoreOptions
{
    /// <summary>Look a key up case-insensitively when its exact form is absent, before generating an OOV vector. Default true.</summary>
    public bool CaseInsensitiveFallback { get; init; } = true;

    /// <summary>Bounded LRU cache of generated out-of-vocabulary vectors (entries; 0 disables). Default 10,000.</summary>
    public int OutOfVocabularyCacheSize { get; init; } = 10_000;

    /// <summary>How out-of-vocabulary keys are matched to stored keys. Default <see cref="OovMatching.TypoAware"/>.</summary>
    public OovMatching OutOfVocabularyMatching { get; init; } = OovMatching.TypoAware;

    /// <summary>
    /// Verify every section's checksum while opening (reads the whole file: seconds for large stores). The header and
    /// the file length are always checked. Default false; <see cref="VectorStore.Verify"/> does it on demand.
    /// </summary>
    public bool VerifyChecksums { get; init; }

    /// <summary>
    /// Let exact searches screen int8 codes first — a float32 store's screening copy (see
    /// <see cref="VectorConvertOptions.BuildScreeningCopy"/>) or an int8 store's own vectors — and rescore only the rows
    /// that can reach the top k: the same results from about a quarter of the bytes. Default true; false forces the
    /// plain scan of every row (for comparisons).
    /// </summary>
    public bool UseScreeningCopy { get; init; } = true;

    /// <summary>
    /// For stores converted from a fastText model (<see cref="VectorStore.HasSubwordVectors"/>): give out-of-vocabulary
    /// keys fastText's subword vector (the mean of their character n-gram bucket rows), as fastText itself does; keys
    /// without any n-gram still get Magnitude's vector. Default true; false uses Magnitude's vectors for every OOV key.
    /// </summary>
    public bool UseSubwordVectors { get; init; } = true;
}
