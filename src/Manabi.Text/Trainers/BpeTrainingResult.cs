namespace Manabi.Text;

/// <summary>What <see cref="BpeTrainer"/> learned: the data a BPE model is built from.</summary>
/// <param name="Vocabulary">Token to id: special tokens, then the alphabet by code point, then merge results in merge order.</param>
/// <param name="Merges">The merges by rank (first applied first), each a pair of vocabulary tokens.</param>
public sealed record BpeTrainingResult(IReadOnlyDictionary<string, int> Vocabulary, IReadOnlyList<(string Left, string Right)> Merges);
