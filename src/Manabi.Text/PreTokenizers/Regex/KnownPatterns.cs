namespace Manabi.Text.PreTokenizers.Regex;

internal static class KnownPatterns
{
    public static ISplitPattern? TryCreate(string pattern) => null;
}
