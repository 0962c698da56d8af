namespace Manabi.Text;

/// <summary>A pre-tokenization stage (HF's <c>PreTokenizer</c>): splits the text into pieces the model sees one by one.</summary>
public interface IPreTokenizer
{
    /// <summary>Splits (and may normalize) the pieces of <paramref name="text"/> in place, usually via <c>PreTokenizedText.Split</c>.</summary>
    void PreTokenize(PreTokenizedText text);
}
