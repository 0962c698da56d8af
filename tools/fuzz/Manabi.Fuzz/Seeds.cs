using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Manabi.Vectors;

namespace Manabi.Fuzz;

/// <summary>
/// Writes the seed corpora: small valid files of each format, cut from the repository's fixtures where one exists
/// (AFL works best from seeds of a few KB) and built by hand where the fixture is megabytes (ONNX, fastText).
/// </summary>
internal static class Seeds
{
    public static void Write(string repositoryRoot, string outFolder)
    {
        string fixtures = Path.Combine(repositoryRoot, "tests", "fixtures");
        string Folder(string target)
        {
            string folder = Path.Combine(outFolder, target);
            Directory.CreateDirectory(folder);
            return folder;
        }

        // vocab.txt: BERT's first tokens ([PAD], [unused*], [UNK] at 100, [CLS], [SEP], [MASK]) and a few words.
        string[] bert = File.ReadAllLines(Path.Combine(fixtures, "tokenizer", "bert-uncased-vocab.txt"));
        string[] vocab = [.. bert.Take(105), .. bert.Skip(1996).Take(60), .. bert.Where(t => t.StartsWith("##", StringComparison.Ordinal)).Take(30)];
        File.WriteAllLines(Path.Combine(Folder("vocab"), "bert-small.txt"), vocab);
        File.WriteAllLines(Path.Combine(Folder("vocab"), "tiny.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "##s", "world"]);

        // tokenizer.json: the tiny sentence model's, with its vocabulary cut down to the tokens above.
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(fixtures, "sbert", "tiny-sbert", "tokenizer.json")))!;
        var ids = new JsonObject();
        for (int i = 0; i < vocab.Length; i++)
        {
            ids[vocab[i]] = i;
        }
        json["model"]!["vocab"] = ids;
        File.WriteAllText(Path.Combine(Folder("tokenizer-json"), "tiny-sbert-small.json"), json.ToJsonString());
        File.WriteAllText(Path.Combine(Folder("tokenizer-json"), "minimal.json"),
            """{"model":{"type":"WordPiece","unk_token":"[UNK]","vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2,"a":3,"##b":4}}}""");

        // safetensors: a small real checkpoint and a one-tensor file of each common dtype.
        File.Copy(Path.Combine(fixtures, "vision", "timm-se64.safetensors"), Path.Combine(Folder("safetensors"), "timm-se64.safetensors"), true);
        File.WriteAllBytes(Path.Combine(Folder("safetensors"), "small.safetensors"), SafeTensorsFile(
            """{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"I64","shape":[1],"data_offsets":[16,24]},"c":{"dtype":"F16","shape":[2],"data_offsets":[24,28]}}""",
            28));

        WriteOnnxSeeds(Folder("onnx"));
        WriteVectorSeeds(fixtures, Folder);

        // IDX: a 2x3x3 image array, its gzip form and a label vector.
        byte[] images = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 3, .. Enumerable.Range(0, 18).Select(i => (byte)(i * 14))];
        File.WriteAllBytes(Path.Combine(Folder("idx"), "images.idx"), images);
        File.WriteAllBytes(Path.Combine(Folder("idx"), "images.idx.gz"), Gzip(images));
        File.WriteAllBytes(Path.Combine(Folder("idx"), "labels.idx"), [0, 0, 8, 1, 0, 0, 0, 4, 1, 2, 3, 4]);

        File.WriteAllText(Path.Combine(Folder("csv"), "matrix.csv"), "1,2,3\n4.5,-6e-3,7\n");
        File.WriteAllText(Path.Combine(Folder("csv"), "header.csv"), "# probabilities\np,q\n0.25,0.75\n\n0.5,0.5\n");
        File.WriteAllText(Path.Combine(Folder("jsonl"), "records.jsonl"),
            "{\"text\": \"Hello world\", \"text_pair\": \"second \\u00e9\"}\n\n{\"text\": \"caf\\u00e9 \\ud83d\\ude00\"}\n");
    }

    private static byte[] SafeTensorsFile(string header, int dataBytes)
    {
        byte[] headerBytes = Encoding.UTF8.GetBytes(header);
        byte[] file = new byte[8 + headerBytes.Length + dataBytes];
        BinaryPrimitives.WriteInt64LittleEndian(file, headerBytes.Length);
        headerBytes.CopyTo(file, 8);
        for (int i = 0; i < dataBytes; i++)
        {
            file[8 + headerBytes.Length + i] = (byte)(i * 7);
        }
        return file;
    }

    private static void WriteOnnxSeeds(string folder)
    {
        // ModelProto { ir_version = 1; graph = 7 { node = 1; initializer = 5 } }, as ONNX exporters write it.
        var weight = new Proto().Varint(1, 2).Varint(1, 3).Varint(2, 1).String(8, "embeddings.word_embeddings.weight")
            .Bytes(9, [.. Enumerable.Range(0, 24).Select(i => (byte)i)]);
        var packed = new Proto().Varint(1, 3).Varint(2, 1).String(8, "encoder.layer.0.attention.self.query.bias")
            .Bytes(4, new byte[12]);
        var shape = new Proto().Varint(1, 2).Varint(2, 7).String(8, "shape").Bytes(7, Proto.PackedVarints([1, 3]));
        var node = new Proto().String(1, "input_ids").String(1, "embeddings.word_embeddings.weight").String(2, "out")
            .String(3, "Gather_0").String(4, "Gather")
            .Bytes(5, new Proto().String(1, "axis").Varint(3, 0).Varint(20, 2));
        var graph = new Proto().Bytes(1, node).String(2, "main").Bytes(5, weight).Bytes(5, packed).Bytes(5, shape);
        File.WriteAllBytes(Path.Combine(folder, "tiny.onnx"), new Proto().Varint(1, 7).String(2, "manabi-fuzz").Bytes(7, graph).ToArray());
    }

    private static void WriteVectorSeeds(string fixtures, Func<string, string> folder)
    {
        string[] lines;
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(fixtures, "vectors", "fasttext-tiny.vec.gz")), CompressionMode.Decompress)))
        {
            lines = [.. Enumerable.Range(0, 7).Select(_ => reader.ReadLine()!)];
        }
        string[] rows = lines[1..];
        int dims = rows[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length - 1;
        File.WriteAllText(Path.Combine(folder("word2vec"), "small.vec"), $"{rows.Length} {dims}\n{string.Join('\n', rows)}\n");
        File.WriteAllText(Path.Combine(folder("glove"), "small.txt"), string.Join('\n', rows) + "\n");

        // word2vec binary: "count dims\n" then each word, a space and dims little-endian floats.
        var binary = new MemoryStream();
        binary.Write(Encoding.UTF8.GetBytes($"{rows.Length} {dims}\n"));
        foreach (string row in rows)
        {
            string[] parts = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            binary.Write(Encoding.UTF8.GetBytes(parts[0] + " "));
            foreach (string value in parts.Skip(1))
            {
                binary.Write(BitConverter.GetBytes(float.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
            }
            binary.WriteByte((byte)'\n');
        }
        File.WriteAllBytes(Path.Combine(folder("word2vec-bin"), "small.bin"), binary.ToArray());

        byte[] fastText = FastTextModel(["</s>", "king", "queen", "apple"], dims: 3, buckets: 5);
        File.WriteAllBytes(Path.Combine(folder("fasttext-bin"), "tiny.bin"), fastText);
        File.WriteAllBytes(Path.Combine(folder("fasttext-bin"), "tiny.bin.gz"), Gzip(fastText));

        // Stores: every optional section at least once (n-gram index and screening copy by default, HNSW, int8 and
        // float16 rows, fastText subword rows).
        string mvs = folder("mvs");
        string[] keys = ["king", "queen", "apple", "orange", "man", "woman", "Paris"];
        float[] values = [.. Enumerable.Range(0, keys.Length * 4).Select(i => MathF.Sin(i * 0.7f))];
        VectorStoreConverter.Write(keys, values, 4, Path.Combine(mvs, "default.mvs"));
        VectorStoreConverter.Write(keys, values, 4, Path.Combine(mvs, "hnsw-int8.mvs"), new VectorConvertOptions { DType = VectorDType.Int8, BuildApproximateIndex = true, HnswM = 4, HnswEfConstruction = 8 });
        VectorStoreConverter.Write(keys, values, 4, Path.Combine(mvs, "plain-f16.mvs"), new VectorConvertOptions { DType = VectorDType.Float16, BuildNgramIndex = false, BuildScreeningCopy = false });
        string fastTextPath = Path.Combine(Path.GetTempPath(), $"manabi-fuzz-seed-{Environment.ProcessId}.bin");
        File.WriteAllBytes(fastTextPath, fastText);
        try
        {
            VectorStoreConverter.Convert(fastTextPath, Path.Combine(mvs, "subwords.mvs"), new VectorConvertOptions { Format = VectorFileFormat.FastTextBinary });
        }
        finally
        {
            File.Delete(fastTextPath);
        }
    }

    /// <summary>An unsupervised fastText model (format 12) as fastText's Args/Dictionary/Matrix::save write it.</summary>
    private static byte[] FastTextModel(string[] words, int dims, int buckets)
    {
        var stream = new MemoryStream();
        var writer = new BinaryWriter(stream);
        writer.Write(793712314);
        writer.Write(12);
        // dim, ws, epoch, minCount, neg, wordNgrams, loss (ns), model (skipgram), bucket, minn, maxn, lrUpdateRate, t.
        foreach (int value in new[] { dims, 5, 5, 1, 5, 1, 2, 2, buckets, 3, 4, 100 })
        {
            writer.Write(value);
        }
        writer.Write(1e-4);
        writer.Write(words.Length);
        writer.Write(words.Length);
        writer.Write(0);
        writer.Write(100L);
        writer.Write(-1L);
        foreach (string word in words)
        {
            writer.Write(Encoding.UTF8.GetBytes(word));
            writer.Write((byte)0);
            writer.Write(10L);
            writer.Write((sbyte)0);
        }
        writer.Write(false);
        writer.Write((long)(words.Length + buckets));
        writer.Write((long)dims);
        for (int i = 0; i < (words.Length + buckets) * dims; i++)
        {
            writer.Write(MathF.Cos(i));
        }
        return stream.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    /// <summary>A minimal protobuf writer for the hand-built ONNX seed.</summary>
    private sealed class Proto
    {
        private readonly MemoryStream _stream = new();

        public Proto Varint(int field, long value)
        {
            WriteVarint((ulong)(field << 3));
            WriteVarint((ulong)value);
            return this;
        }

        public static byte[] PackedVarints(long[] values)
        {
            var inner = new Proto();
            foreach (long value in values)
            {
                inner.WriteVarint((ulong)value);
            }
            return inner.ToArray();
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Bytes(int field, Proto message) => Bytes(field, message.ToArray());

        public Proto Bytes(int field, byte[] value)
        {
            WriteVarint((ulong)((field << 3) | 2));
            WriteVarint((ulong)value.Length);
            _stream.Write(value);
            return this;
        }

        public byte[] ToArray() => _stream.ToArray();

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                _stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            _stream.WriteByte((byte)value);
        }
    }
}
