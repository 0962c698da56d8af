using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>
/// HF's UnicodeScripts pre-tokenizer: splits where the script changes (SentencePiece's table, with Hiragana,
/// Katakana and U+30FC counted as Han; spaces and unlisted characters join either side).
/// </summary>
public sealed class UnicodeScriptsPreTokenizer : IPreTokenizer
{
    private static readonly byte Han = ScriptTable.IdOf("Han");
    private static readonly byte Hiragana = ScriptTable.IdOf("Hiragana");
    private static readonly byte Katakana = ScriptTable.IdOf("Katakana");

    /// <summary>The shared instance (the pre-tokenizer has no settings).</summary>
    public static UnicodeScriptsPreTokenizer Instance { get; } = new();

    private static int FixedScript(int codePoint)
    {
        if (codePoint == 0x30FC)
        {
            return Han;
        }
        if (codePoint == ' ')
        {
            return ScriptTable.Any;
        }
        byte script = (uint)codePoint < 0x110000 ? ScriptTable.GetScript(codePoint) : ScriptTable.Any;
        return script == Hiragana || script == Katakana ? Han : script;
    }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Split((_, piece, output) =>
        {
            var chars = piece.NormalizedSpan;
            var cuts = new List<int>();
            int last = -1; // HF's None: no script seen yet.
            for (int i = 0; i < chars.Length;)
            {
                int width = NormalizedText.CodePointAt(chars, i, out int cp);
                int script = FixedScript(cp);
                if (script != ScriptTable.Any && last != ScriptTable.Any && last != script)
                {
                    cuts.Add(i);
                }
                if (script != ScriptTable.Any)
                {
                    last = script;
                }
                i += width;
            }
            // As HF: text before the first cut (a leading run of Any characters) is not part of any piece.
            cuts.Add(chars.Length);
            for (int k = 0; k + 1 < cuts.Count; k++)
            {
                output.Add(piece.Slice(cuts[k], cuts[k + 1], OffsetReferential.Normalized)!);
            }
        });
    }
}
