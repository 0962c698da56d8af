namespace Manabi.Text;

/// <summary>HF's <c>WordLevel</c> model: each piece is one vocabulary entry, or the unknown token.</summary>
public sealed class WordLevelModel : ITokenizationModel
{
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIds;
    private readonly Dictionary<int, string> _tokens;
    private readonly int _unknownId;

    /// <summary>Creates the model over a token → id vocabulary.</summary>
    public WordLevelModel(IReadOnlyDictionary<string, int> vocabulary, string unknownToken = "<unk>")
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(unknownToken);
        _ids = new Dictionary<string, int>(vocabulary, StringComparer.Ordinal);
        _spanIds = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _tokens = [];
        foreach (var (token, id) in vocabulary)
        {
            // Several tokens may share an id; HF's reverse map keeps the last one written, order unknown: keep the first.
            _tokens.TryAdd(id, token);
        }
        UnknownToken = unknownToken;
        _unknownId = _ids.TryGetValue(unknownToken, out int unk) ? unk : -1;
    }

    /// <summary>The vocabulary.</summary>
    public IReadOnlyDictionary<string, int> Vocabulary => _ids;

    /// <summary>The token for pieces not in the vocabulary.</summary>
    public string UnknownToken { get; }

    /// <inheritdoc/>
    public int VocabularySize => _ids.Count;

    /// <inheritdoc/>
    public void Tokenize(ReadOnlySpan<char> piece, List<ModelToken> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_spanIds.TryGetValue(piece, out string? token, out int id))
        {
            output.Add(new ModelToken(id, token, 0, piece.Length));
        }
        else if (_unknownId >= 0)
        {
            output.Add(new ModelToken(_unknownId, UnknownToken, 0, piece.Length));
        }
        else
        {
            throw new InvalidOperationException($"WordLevel: '{piece}' is not in the vocabulary and the unknown token '{UnknownToken}' is missing from it");
        }
    }

    /// <inheritdoc/>
    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    /// <inheritdoc/>
    public string? GetToken(int id) => _tokens.GetValueOrDefault(id);
}
