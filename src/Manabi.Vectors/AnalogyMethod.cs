namespace Manabi.Vectors;

/// <summary>How <see cref="VectorStore.MostSimilar(IEnumerable{string}, IEnumerable{string}, int, AnalogyMethod, bool, double)"/> combines positive and negative keys.</summary>
public enum AnalogyMethod
{
    /// <summary>3CosAdd: the cosine to the normalized sum of positive minus negative unit vectors.</summary>
    CosAdd = 0,

    /// <summary>3CosMul (Levy and Goldberg 2014): the product of shifted cosines to positives over those to negatives.</summary>
    CosMul = 1,
}
