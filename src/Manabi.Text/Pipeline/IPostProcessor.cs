namespace Manabi.Text;

/// <summary>A post-processing stage (HF's <c>PostProcessor</c>): adds special tokens and merges a pair into one encoding.</summary>
public interface IPostProcessor
{
    /// <summary>How many special tokens <see cref="Process"/> adds to a single sequence or to a pair.</summary>
    int AddedTokens(bool isPair);

    /// <summary>
    /// Combines <paramref name="first"/> and the optional <paramref name="second"/> into one encoding (with their
    /// overflowing windows), adding special tokens when <paramref name="addSpecialTokens"/> is true.
    /// </summary>
    TokenEncoding Process(TokenEncoding first, TokenEncoding? second, bool addSpecialTokens);
}
