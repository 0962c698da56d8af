namespace Manabi.Cli.Data;

/// <summary>One input of <c>manabi tokenize</c>: a text, an optional second text, and where it came from.</summary>
/// <param name="Line">The 1-based line of the input file, for error messages.</param>
/// <param name="Text">The (first) text.</param>
/// <param name="Pair">The second text of a pair, or null.</param>
public readonly record struct TextRecord(int Line, string Text, string? Pair);
