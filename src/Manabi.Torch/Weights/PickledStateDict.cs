using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Manabi.Torch.Weights;

/// <summary>
/// Reads PyTorch's pickled state_dict files (<c>torch.save</c>, Hugging Face's legacy <c>pytorch_model.bin</c>)
/// through TorchSharp.PyBridge. Safetensors files go through <see cref="SafeTensors"/>; this is the only use of
/// PyBridge, kept for checkpoints that predate safetensors.
/// </summary>
public static class PickledStateDict
{
    /// <summary>Reads every tensor of a pickled state_dict, by key; entries that are not tensors are skipped.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in PyTorchUnpickler.UnpickleStateDict(path))
        {
            if (entry.Value is Tensor tensor)
            {
                result[(string)entry.Key] = tensor;
            }
        }
        return result;
    }
}
