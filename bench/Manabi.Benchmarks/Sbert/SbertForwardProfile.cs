using System.Diagnostics;
using Manabi.SentenceTransformers;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Benchmarks.Sbert;

/// <summary>
/// <c>sbert-profile [--threads T] [--length L]</c>: where MiniLM's forward pass spends its time on a batch of 32, op by
/// op (the building blocks timed alone at the model's shapes), to guide optimisation.
/// </summary>
public static class SbertForwardProfile
{
    public static int Run(string[] args)
    {
        int threads = args.Contains("--threads") ? int.Parse(args[Array.IndexOf(args, "--threads") + 1], System.Globalization.CultureInfo.InvariantCulture) : 2;
        int length = args.Contains("--length") ? int.Parse(args[Array.IndexOf(args, "--length") + 1], System.Globalization.CultureInfo.InvariantCulture) : 14;
        torch.set_num_threads(threads);
        using var model = DefaultSentenceModel.Import();
        using var _ = inference_mode();
        const int batch = 32;
        var ids = randint(1000, 20000, [batch, length], dtype: ScalarType.Int64);
        var mask = ones([batch, length], dtype: ScalarType.Int64);
        mask[batch - 1, TensorIndex.Slice(length / 2)] = zeros(1, dtype: ScalarType.Int64);
        var x = randn(batch, length, 384);
        var w1152 = randn(1152, 384);
        var w1536 = randn(1536, 384);
        var w384x1536 = randn(384, 1536);
        var b = randn(1536);
        var h = randn(batch, length, 1536);
        var q = randn(batch, 12, length, 32);
        var additive = zeros(batch, 1, 1, length);
        Report("forward (mask)", () => model.Bert.Forward(ids, mask).Dispose());
        Report("forward (no mask)", () => model.Bert.Forward(ids, ones([batch, length], dtype: ScalarType.Int64)).Dispose());
        Report("linear 384->1152 x6", () => { for (int i = 0; i < 6; i++) { nn.functional.linear(x, w1152).Dispose(); } });
        Report("linear 384->1536 x6", () => { for (int i = 0; i < 6; i++) { nn.functional.linear(x, w1536).Dispose(); } });
        Report("linear 1536->384 x6", () => { for (int i = 0; i < 6; i++) { nn.functional.linear(h, w384x1536).Dispose(); } });
        Report("gelu 1536 x6", () => { for (int i = 0; i < 6; i++) { nn.functional.gelu(h).Dispose(); } });
        Report("layernorm x12", () => { for (int i = 0; i < 12; i++) { nn.functional.layer_norm(x, [384]).Dispose(); } });
        Report("sdpa (mask) x6", () => { for (int i = 0; i < 6; i++) { nn.functional.scaled_dot_product_attention(q, q, q, additive).Dispose(); } });
        Report("sdpa (none) x6", () => { for (int i = 0; i < 6; i++) { nn.functional.scaled_dot_product_attention(q, q, q).Dispose(); } });
        return 0;
    }

    private static void Report(string name, Action action)
    {
        for (int i = 0; i < 3; i++)
        {
            action();
        }
        var times = new List<double>();
        for (int i = 0; i < 15; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine($"{name,-24} median {times[times.Count / 2],8:F2} ms   min {times[0],8:F2} ms");
    }
}
