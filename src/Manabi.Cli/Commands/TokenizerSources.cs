using Manabi.Text;

namespace Manabi.Cli.Commands;

/// <summary>
/// Resolves what <c>--tokenizer</c> names: a <c>tokenizer.json</c> file, a folder holding one, or a tiktoken encoding
/// name. The one place the CLI turns such a value into a <see cref="Tokenizer"/>, so every command accepts the same forms.
/// </summary>
public static class TokenizerSources
{
    /// <summary>The tiktoken encodings <c>--tokenizer</c> accepts by name (no file, no network).</summary>
    public static IReadOnlyList<string> TiktokenEncodings => TiktokenTokenizer.EncodingNames;

    /// <summary>Loads the tokenizer <paramref name="value"/> names.</summary>
    /// <param name="value">A tokenizer.json path, a folder with a tokenizer.json, or a tiktoken encoding name.</param>
    /// <param name="option">The option that gave <paramref name="value"/>, for messages.</param>
    /// <exception cref="InputException">
    /// Nothing of that name, an unreadable or malformed file (the message names the file and the JSON path of the
    /// faulty component), or an encoding name this build cannot resolve.
    /// </exception>
    public static Tokenizer Load(string value, string option = "--tokenizer")
    {
        ArgumentNullException.ThrowIfNull(value);
        // A file or folder of that name wins over an encoding name, so a local "o200k_base" folder stays reachable.
        if (!File.Exists(value) && !Directory.Exists(value) && TiktokenEncodings.Contains(value, StringComparer.Ordinal))
        {
            return LoadTiktoken(value, option);
        }
        string path = Directory.Exists(value) ? Path.Combine(value, WordPieceTokenizer.TokenizerJsonFileName) : value;
        if (!File.Exists(path))
        {
            throw new InputException(Directory.Exists(value)
                ? $"{option}: the folder {value} has no {WordPieceTokenizer.TokenizerJsonFileName}."
                : $"{option}: {value} does not exist (give a tokenizer.json, a folder holding one, or one of {string.Join(", ", TiktokenEncodings)}).");
        }
        try
        {
            return Tokenizer.FromFile(path);
        }
        catch (TokenizerFormatException ex)
        {
            throw new InputException(ex.Message.Contains(path, StringComparison.Ordinal) ? ex.Message : $"{path}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{option}: {path}: cannot read the file: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The tiktoken encoding as a byte-level BPE pipeline (<see cref="TiktokenTokenizer.ToTokenizer"/>): the same ids as
    /// tiktoken, from the rank files of the Microsoft.ML.Tokenizers.Data packages this tool references.
    /// </summary>
    private static Tokenizer LoadTiktoken(string name, string option)
    {
        try
        {
            return TiktokenTokenizer.Create(name).ToTokenizer();
        }
        catch (InvalidOperationException ex)
        {
            // A rank-file package missing from this build (a trimmed or repackaged tool): say which.
            throw new InputException($"{option}: the tiktoken encoding {name} cannot be loaded: {ex.Message}", ex);
        }
    }
}
