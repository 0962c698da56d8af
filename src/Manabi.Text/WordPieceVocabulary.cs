using System.Text;

namespace Manabi.Text;

/// <summary>
/// A WordPiece vocabulary: tokens by id and ids by token. Loads and saves BERT's <c>vocab.txt</c>
/// (one token a line, the line number is the id).
/// </summary>
public sealed class WordPieceVocabulary
{
    private readonly string?[] _tokens;
    private readonly Dictionary<string, int> _ids;

    /// <summary>Creates a vocabulary from tokens in id order.</summary>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    public WordPieceVocabulary(IEnumerable<string> tokensInIdOrder)
    {
        ArgumentNullException.ThrowIfNull(tokensInIdOrder);
        var tokens = tokensInIdOrder.ToList();
        if (tokens.Count == 0)
        {
            throw new ArgumentException("A vocabulary needs at least one token.", nameof(tokensInIdOrder));
        }
        _ids = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Count; i++)
        {
            _ids[tokens[i]] = i;
        }
        _tokens = new string?[tokens.Count];
        // As in HF: a duplicated line keeps its last id, and the earlier id has no token.
        foreach (var (token, id) in _ids)
        {
            _tokens[id] = token;
        }
    }

    /// <summary>Creates a vocabulary from a token-to-id map (as in <c>tokenizer.json</c>); ids may have gaps.</summary>
    public WordPieceVocabulary(IReadOnlyDictionary<string, int> idsByToken)
    {
        ArgumentNullException.ThrowIfNull(idsByToken);
        if (idsByToken.Count == 0)
        {
            throw new ArgumentException("A vocabulary needs at least one token.", nameof(idsByToken));
        }
        _ids = new Dictionary<string, int>(idsByToken, StringComparer.Ordinal);
        int max = _ids.Values.Max();
        if (_ids.Values.Min() < 0)
        {
            throw new ArgumentException("Token ids must not be negative.", nameof(idsByToken));
        }
        _tokens = new string?[max + 1];
        foreach (var (token, id) in _ids)
        {
            _tokens[id] = token;
        }
    }

    /// <summary>One more than the largest id.</summary>
    public int Count => _tokens.Length;

    /// <summary>Number of distinct tokens (HF's <c>get_vocab_size</c>; smaller than <see cref="Count"/> when ids have gaps).</summary>
    internal int TokenCount => _ids.Count;

    /// <summary>The token with this id, or null for an id without one.</summary>
    public string? this[int id] => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    /// <summary>Tries to find a token's id.</summary>
    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    /// <summary>Whether the vocabulary holds this token.</summary>
    public bool Contains(string token) => _ids.ContainsKey(token);

    /// <summary>All (token, id) pairs, in id order.</summary>
    public IEnumerable<(string Token, int Id)> Entries
    {
        get
        {
            for (int id = 0; id < _tokens.Length; id++)
            {
                if (_tokens[id] is { } token)
                {
                    yield return (token, id);
                }
            }
        }
    }

    /// <summary>
    /// Loads <c>vocab.txt</c>: UTF-8, one token a line, trailing whitespace trimmed as HF does.
    /// </summary>
    /// <exception cref="TokenizerFormatException">The file is empty or not valid UTF-8 (the message names the line).</exception>
    public static WordPieceVocabulary Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = File.ReadAllBytes(path);
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var tokens = new List<string>();
        int start = 0;
        int line = 1;
        if (bytes.AsSpan().StartsWith("\uFEFF"u8))
        {
            start = 3;
        }
        while (start < bytes.Length)
        {
            int newline = Array.IndexOf(bytes, (byte)'\n', start);
            int end = newline < 0 ? bytes.Length : newline;
            string token;
            try
            {
                token = strict.GetString(bytes, start, end - start);
            }
            catch (DecoderFallbackException e)
            {
                throw new TokenizerFormatException($"invalid UTF-8 in the vocabulary: {e.Message}", path, line, e);
            }
            tokens.Add(token.TrimEnd());
            start = end + 1;
            line++;
        }
        if (tokens.Count == 0)
        {
            throw new TokenizerFormatException("the vocabulary is empty", path, 1);
        }
        return new WordPieceVocabulary(tokens);
    }

    /// <summary>Writes <c>vocab.txt</c> in id order (one token and a newline per id), as HF saves it.</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var builder = new StringBuilder();
        foreach (var (token, _) in Entries)
        {
            builder.Append(token).Append('\n');
        }
        AtomicFile.WriteAllText(path, builder.ToString());
    }
}
