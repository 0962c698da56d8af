namespace Manabi.Torch.Siamese;

/// <summary>Which triplets of a labelled batch a <see cref="TripletMiner"/> chooses.</summary>
public enum TripletMiningStrategy
{
    /// <summary>Every valid (anchor, positive, negative) triplet that still violates the margin ("batch all").</summary>
    All,

    /// <summary>Per anchor, the farthest positive and the nearest negative (Hermans et al. 2017).</summary>
    BatchHard,

    /// <summary>
    /// Per positive pair, the nearest negative that is farther than the positive (FaceNet's semi-hard negatives,
    /// Schroff et al. 2015); where none is, the farthest negative (as TensorFlow Addons' semi-hard loss).
    /// </summary>
    SemiHard,

    /// <summary>Per anchor, the nearest positive and the nearest negative (easy-positive mining, Xuan et al. 2020).</summary>
    Easy,
}
