namespace Manabi.Text;

/// <summary>A tokenization model (HF's <c>Model</c>: WordPiece, WordLevel, BPE, Unigram): turns one piece into tokens.</summary>
public interface ITokenizationModel
{
    /// <summary>Appends the tokens of <paramref name="piece"/> to <paramref name="output"/>, offsets relative to the piece.</summary>
    void Tokenize(ReadOnlySpan<char> piece, List<ModelToken> output);

    /// <summary>The id of a vocabulary token (HF's <c>token_to_id</c>).</summary>
    bool TryGetId(string token, out int id);

    /// <summary>The token of an id, or null when the id is not in the vocabulary (HF's <c>id_to_token</c>).</summary>
    string? GetToken(int id);

    /// <summary>Number of entries in the vocabulary (HF's <c>get_vocab_size</c>).</summary>
    int VocabularySize { get; }
}
