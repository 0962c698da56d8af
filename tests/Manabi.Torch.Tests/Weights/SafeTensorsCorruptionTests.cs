using System.Buffers.Binary;
using System.Text;
using Manabi.Torch.Runtime;
using Manabi.Torch.Training;
using Manabi.Torch.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Torch.Tests.Weights;

/// <summary>
/// Every corrupt or lying safetensors file is refused with an <see cref="InvalidDataException"/> naming the file
/// and the tensor, never a stack trace from deep inside the reader or libtorch.
/// </summary>
public sealed class SafeTensorsCorruptionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("manabi-safetensors-").FullName;

    public SafeTensorsCorruptionTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    /// <summary>A file with <paramref name="header"/> and <paramref name="dataBytes"/> zero bytes of data, its length field overridable.</summary>
    private string WriteRaw(string header, int dataBytes, long? headerLength = null)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, headerLength ?? json.Length);
        json.CopyTo(bytes, 8);
        string path = PathOf("model.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static InvalidDataException Refused(string path, params string[] mentions)
    {
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        foreach (string mention in mentions)
        {
            Assert.Contains(mention, ex.Message, StringComparison.Ordinal);
        }
        return ex;
    }

    [Fact]
    public void Round_trip_keeps_values_dtypes_and_empty_tensors()
    {
        string path = PathOf("ok.safetensors");
        using var a = tensor(new float[] { 1.5f, -2, 3, 4 }, 2, 2);
        using var b = tensor(new long[] { 7, 8, 9 });
        using var c = zeros(0, 3);
        SafeTensors.Write(path, new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b, ["c"] = c }, new Dictionary<string, string> { ["format"] = "pt" });
        var read = SafeTensors.Read(path);
        try
        {
            Assert.Equal(3, read.Count);
            Assert.Equal(a.data<float>().ToArray(), read["a"].data<float>().ToArray());
            Assert.Equal(ScalarType.Int64, read["b"].dtype);
            Assert.Equal(new long[] { 7, 8, 9 }, read["b"].data<long>().ToArray());
            Assert.Equal(new long[] { 0, 3 }, read["c"].shape);
        }
        finally
        {
            foreach (var t in read.Values)
            {
                t.Dispose();
            }
        }
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        string path = PathOf("model.safetensors");
        File.WriteAllBytes(path, []);
        Refused(path, "empty or truncated");
    }

    [Fact]
    public void A_truncated_file_is_refused_naming_the_tensor()
    {
        string path = PathOf("model.safetensors");
        using var w = ones(16, 16);
        SafeTensors.Write(path, new Dictionary<string, Tensor> { ["layer.weight"] = w });
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..(whole.Length - 100)]);
        Refused(path, "layer.weight", "outside");
        // Cut inside the header, then inside the length field.
        File.WriteAllBytes(path, whole[..20]);
        Refused(path, "truncated");
        File.WriteAllBytes(path, whole[..5]);
        Refused(path, "truncated");
    }

    [Theory]
    [InlineData(1000L)]
    [InlineData(200_000_000L)]
    [InlineData(-5L)]
    public void A_header_length_that_lies_is_refused(long length)
    {
        Refused(WriteRaw("{}", 0, length), "header");
    }

    [Fact]
    public void A_header_that_is_an_array_is_refused() =>
        Refused(WriteRaw("[1,2,3]", 0), "not a JSON object");

    [Fact]
    public void An_entry_that_is_not_an_object_is_refused() =>
        Refused(WriteRaw("{\"w\":3}", 0), "'w'");

    [Theory]
    [InlineData("{\"w\":{\"dtype\":3,\"shape\":[1],\"data_offsets\":[0,4]}}", "dtype")]
    [InlineData("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", "dtype")]
    [InlineData("{\"w\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}", "dtype")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}", "shape")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", "shape")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", "shape")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "data_offsets")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", "data_offsets")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":\"0,4\"}}", "data_offsets")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", "data_offsets")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", "data_offsets")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "data_offsets")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", "negative")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1125899906842624],\"data_offsets\":[0,4]}}", "needs")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1099511627776,1099511627776],\"data_offsets\":[0,4]}}", "too large")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", "needs")]
    public void A_header_with_wrong_types_or_sizes_is_refused_naming_the_tensor(string header, string mention) =>
        // Four data bytes: room for one float, so only the header is wrong.
        Refused(WriteRaw(header, 4), "'w'", mention);

    [Fact]
    public void A_run_whose_weights_hold_NaN_is_refused_naming_the_tensor()
    {
        using var model = nn.Linear(2, 2);
        var state = model.state_dict();
        using (no_grad())
        {
            using var weight = state["weight"].clone();
            weight[0, 1] = float.NaN;
            SafeTensors.Write(Path.Combine(_folder, RunFolder.ModelFileName), new Dictionary<string, Tensor> { ["weight"] = weight, ["bias"] = state["bias"] });
        }
        var ex = Assert.Throws<InvalidDataException>(() => RunFolder.LoadWeights(model, _folder));
        Assert.Contains("'weight'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("NaN", ex.Message, StringComparison.Ordinal);
        Assert.Contains(RunFolder.ModelFileName, ex.Message, StringComparison.Ordinal);
    }
}
