using Manabi.Text.Unicode;

namespace Manabi.Text;

/// <summary>HF's Sequence pre-tokenizer: applies its pre-tokenizers in order.</summary>
public sealed class SequencePreTokenizer : IPreTokenizer
{
    /// <summary>Creates the sequence.</summary>
    public SequencePreTokenizer(IEnumerable<IPreTokenizer> preTokenizers)
    {
        ArgumentNullException.ThrowIfNull(preTokenizers);
        PreTokenizers = [.. preTokenizers];
        foreach (IPreTokenizer preTokenizer in PreTokenizers)
        {
            ArgumentNullException.ThrowIfNull(preTokenizer, nameof(preTokenizers));
        }
    }

    /// <summary>The pre-tokenizers, in order.</summary>
    public IReadOnlyList<IPreTokenizer> PreTokenizers { get; }

    /// <inheritdoc/>
    public void PreTokenize(PreTokenizedText text)
    {
        foreach (IPreTokenizer preTokenizer in PreTokenizers)
        {
            preTokenizer.PreTokenize(text);
        }
    }
}
