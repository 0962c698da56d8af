namespace Manabi.Text;

/// <summary>
/// The settings of a <see cref="BpeModel"/>, as the fields of HF tokenizers' BPE model (tokenizer.json's
/// <c>model</c> section): all off by default.
/// </summary>
public sealed record BpeModelOptions
{
    /// <summary>The token for characters the vocabulary lacks (<c>unk_token</c>); null drops such characters, as HF does.</summary>
    public string? UnknownToken { get; init; }

    /// <summary>Prepended to every character but a word's first before the vocabulary lookup (<c>continuing_subword_prefix</c>).</summary>
    public string? ContinuingSubwordPrefix { get; init; }

    /// <summary>Appended to a word's last character before the vocabulary lookup (<c>end_of_word_suffix</c>).</summary>
    public string? EndOfWordSuffix { get; init; }

    /// <summary>Consecutive unknown characters become one unknown token (<c>fuse_unk</c>).</summary>
    public bool FuseUnknown { get; init; }

    /// <summary>A character the vocabulary lacks becomes its UTF-8 bytes as <c>&lt;0xXX&gt;</c> tokens when all are present (<c>byte_fallback</c>).</summary>
    public bool ByteFallback { get; init; }

    /// <summary>A piece that is itself a vocabulary token is that token, without merging (<c>ignore_merges</c>).</summary>
    public bool IgnoreMerges { get; init; }

    /// <summary>
    /// BPE-dropout: the probability (0 to 1) that each merge step is skipped (<c>dropout</c>); null or 0 is plain BPE.
    /// With dropout the word cache is off and <see cref="IgnoreMerges"/> does not apply, as in HF.
    /// </summary>
    public float? Dropout { get; init; }

    /// <summary>The seed of the dropout's random draws: a given seed gives the same tokens for the same calls in the same order. Null draws from a shared generator.</summary>
    public int? DropoutSeed { get; init; }

    /// <summary>How many distinct words the cache keeps (HF's default 10,000); 0 disables it.</summary>
    public int CacheCapacity { get; init; } = WordCache.DefaultCapacity;
}
