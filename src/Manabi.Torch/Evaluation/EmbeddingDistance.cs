namespace Manabi.Torch.Evaluation;

/// <summary>How two embeddings are compared by the evaluation metrics.</summary>
public enum EmbeddingDistance
{
    /// <summary>Euclidean (L2) distance; smaller is closer.</summary>
    Euclidean,

    /// <summary>Cosine similarity of the directions (the embeddings' lengths are ignored); larger is closer.</summary>
    Cosine,
}
