namespace Manabi.Text.Unicode;

/// <summary>The script of each code point in HF tokenizers' (SentencePiece's) table, as a small id.</summary>
internal static partial class ScriptTable
{
    /// <summary>The id of script Any (unlisted code points).</summary>
    internal const byte Any = 0;

    private static readonly byte[] Flat = Build();

    private static byte[] Build()
    {
        // One byte per code point (1.1 MB) keeps the lookup a single load; built once, on first use.
        var flat = new byte[0x110000];
        ReadOnlySpan<int> ranges = Ranges;
        for (int i = 0; i < ranges.Length; i += 3)
        {
            flat.AsSpan(ranges[i], ranges[i + 1] - ranges[i] + 1).Fill((byte)ranges[i + 2]);
        }
        return flat;
    }

    /// <summary>The script id of a code point (0 to 0x10FFFF).</summary>
    internal static byte GetScript(int codePoint) => Flat[codePoint];

    /// <summary>The id of a script by name.</summary>
    internal static byte IdOf(string name) => (byte)Array.IndexOf(Names, name);
}
