namespace Manabi.Torch.Evaluation;

/// <summary>Accuracy of a linear classifier trained on frozen embeddings.</summary>
/// <param name="TrainAccuracy">Accuracy on the training embeddings.</param>
/// <param name="TestAccuracy">Accuracy on the test embeddings.</param>
/// <param name="Classes">Number of classes (distinct training labels).</param>
/// <param name="Dimensions">Width of the embeddings.</param>
public sealed record LinearProbeResult(double TrainAccuracy, double TestAccuracy, int Classes, int Dimensions);
