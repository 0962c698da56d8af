namespace Manabi.Text;

/// <summary>How the trainer picks the next pair to merge.</summary>
public enum WordPieceScoring
{
    /// <summary>The most frequent pair, as HF's WordPiece trainer (a BPE trainer underneath) does.</summary>
    PairCount,
    /// <summary>
    /// The pair with the highest freq(ab) / (freq(a) · freq(b)), as in Google's WordPiece: prefers pairs whose
    /// parts rarely occur apart. Slower (every candidate is rescored at each merge).
    /// </summary>
    Likelihood,
}
