using static TorchSharp.torch;

namespace Manabi.Torch.Tests.Evaluation;

/// <summary>Synthetic embeddings for the evaluation tests, drawn with System.Random so they are the same everywhere.</summary>
internal static class EvaluationData
{
    /// <summary>Standard normal values (Box–Muller), rows × columns, row-major.</summary>
    public static float[,] Gaussian(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows, columns];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                double u = 1.0 - random.NextDouble();
                values[i, j] = (float)(Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * random.NextDouble()));
            }
        }
        return values;
    }

    /// <summary>Gaussian clusters: row i belongs to class i % classes, centred at separation · e_class, unit noise times <paramref name="noise"/>.</summary>
    public static (float[,] Values, int[] Labels) Clusters(int rows, int columns, int classes, float separation, float noise, int seed)
    {
        float[,] values = Gaussian(rows, columns, seed);
        var labels = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = i % classes;
            for (int j = 0; j < columns; j++)
            {
                values[i, j] = values[i, j] * noise + (j == labels[i] ? separation : 0f);
            }
        }
        return (values, labels);
    }

    /// <summary>A float32 tensor holding <paramref name="values"/>.</summary>
    public static Tensor ToTensor(float[,] values) =>
        tensor(values.Cast<float>().ToArray(), [values.GetLength(0), values.GetLength(1)]);

    /// <summary>Row <paramref name="i"/> in double precision.</summary>
    public static double[] Row(float[,] values, int i) =>
        Enumerable.Range(0, values.GetLength(1)).Select(j => (double)values[i, j]).ToArray();
}
