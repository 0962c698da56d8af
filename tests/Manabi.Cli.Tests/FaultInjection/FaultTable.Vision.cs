using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace Manabi.Cli.Tests.FaultInjection;

internal static partial class FaultTable
{
    private static void Vision(List<FaultCase> table)
    {
        table.Add(Option("vision models", "an unknown option", "--bogus", _ => ["vision", "models", "--bogus"]));
        table.Add(Option("vision params", "--model unknown", "resnet19", _ => ["vision", "params", "--model", "resnet19"]));
        table.Add(Option("vision params", "--classes negative", "--classes", _ => ["vision", "params", "--model", "resnet18", "--classes", "-1"]));
        table.Add(Option("vision params", "--image-size negative", "--image-size", _ => ["vision", "params", "--model", "resnet18", "--image-size", "-1"]));
        table.Add(Option("vision params", "--channels 0", "--channels", _ => ["vision", "params", "--model", "resnet18", "--channels", "0"]));
        table.Add(Option("vision params", "--image-size not a multiple of the patch", "image size 100", _ => ["vision", "params", "--model", "ViT-B/16", "--image-size", "100"]));

        const string Train = "vision train";
        static string[] TrainArgs(FaultScene s, string data, params string[] extra) =>
            ["vision", "train", "--model", "resnet18-tiny", "--data", data, "--output", s.PathOf("run"), "--epochs", "1", "--batch-size", "4", "--threads", "1", .. extra];
        AddImageDataFaults(table, Train, (s, data) => TrainArgs(s, data), (root, perClass) => VisionCommandTests.WriteImageFolder(root, 8, perClass), Path.Combine("train", "a", "0.png"));
        foreach (var (option, value) in new[] { ("--epochs", "0"), ("--batch-size", "0"), ("--lr", "NaN"), ("--lr", "-1"), ("--weight-decay", "Infinity"),
            ("--label-smoothing", "2"), ("--clip", "-1"), ("--threads", "0"), ("--max-minutes", "-1"), ("--warmup-epochs", "-1"), ("--subset", "0"), ("--optimizer", "adam"),
            ("--mixup", "-0.5"), ("--cutmix", "NaN"), ("--ema", "1"), ("--random-erasing", "1.5"), ("--random-erasing", "NaN"),
            ("--drop-path", "1"), ("--drop-path", "NaN"), ("--drop-path", "0.1") })
        {
            table.Add(Option(Train, $"{option} {value}", option, s => TrainArgs(s, ImageFolder(s), option, value)));
        }
        table.Add(Option(Train, "--model unknown", "resnet19", s => ["vision", "train", "--model", "resnet19", "--data", ImageFolder(s), "--output", s.PathOf("run")]));
        table.Add(Option(Train, "--output under a regular file", "--output", s =>
            ["vision", "train", "--model", "resnet18-tiny", "--data", ImageFolder(s), "--output", Path.Combine(s.Text("blocker", "x"), "run"), "--epochs", "1"]));

        AddCheckpointFaults(table, "vision eval", siamese: false, (_, run) => ["vision", "eval", "--checkpoint", run]);
        table.Add(new("vision eval", "a weight NaN", s =>
        {
            string run = CopyRun(s, TrainedRuns.VisionRun);
            string model = Path.Combine(run, "model.safetensors");
            File.WriteAllBytes(model, WithNaNWeight(File.ReadAllBytes(model)));
            return new Invocation(["vision", "eval", "--checkpoint", run], model);
        }));
        table.Add(Option("vision eval", "--subset 0", "--subset", s => ["vision", "eval", "--checkpoint", CopyRun(s, TrainedRuns.VisionRun), "--subset", "0"]));
        table.Add(Option("vision eval", "--data missing", "--data", s => ["vision", "eval", "--checkpoint", CopyRun(s, TrainedRuns.VisionRun), "--data", s.Missing("images")]));
        table.Add(Option("vision eval", "--checkpoint a Siamese run", "--checkpoint", s => ["vision", "eval", "--checkpoint", CopyRun(s, TrainedRuns.SiameseRun)]));

        static string[] Explain(FaultScene s, string run, params string[] extra) =>
            ["vision", "explain", "--checkpoint", run, "--count", "2", "--output", s.PathOf("grid.png"), .. extra];
        AddCheckpointFaults(table, "vision explain", siamese: false, (s, run) => Explain(s, run));
        table.Add(Option("vision explain", "--count 0", "--count", s =>
            ["vision", "explain", "--checkpoint", CopyRun(s, TrainedRuns.VisionRun), "--count", "0", "--output", s.PathOf("grid.png")]));
        table.Add(Option("vision explain", "--output under a regular file", "--output", s =>
            ["vision", "explain", "--checkpoint", CopyRun(s, TrainedRuns.VisionRun), "--count", "2", "--output", Path.Combine(s.Text("blocker", "x"), "grid.png")]));

        const string Predict = "vision predict";
        // An image the vision run was trained on, read in place.
        static string Good(FaultScene s) => s.Shared(Path.Combine(TrainedRuns.VisionImages, "test", "a", "0.png"));
        AddCheckpointFaults(table, Predict, siamese: false, (s, run) => ["vision", "predict", "--checkpoint", run, Good(s)]);
        table.Add(new(Predict, "a weight NaN", s =>
        {
            string run = CopyRun(s, TrainedRuns.VisionRun);
            string model = Path.Combine(run, "model.safetensors");
            File.WriteAllBytes(model, WithNaNWeight(File.ReadAllBytes(model)));
            return new Invocation(["vision", "predict", "--checkpoint", run, Good(s)], model);
        }));
        table.Add(new(Predict, "--checkpoint a Siamese run", s =>
            new Invocation(["vision", "predict", "--checkpoint", CopyRun(s, TrainedRuns.SiameseRun), Good(s)], "--checkpoint")));
        foreach (var (fault, write) in new (string, Func<FaultScene, string>)[]
        {
            ("IMAGE missing", s => s.Missing("b.png")),
            ("IMAGE empty", s => s.Text("b.jpg", "")),
            ("IMAGE a folder", s => s.Folder("b.png")),
            ("IMAGE binary garbage", s => s.Garbage("b.jpg")),
            ("IMAGE a truncated PNG", s => s.Bytes("b.png", File.ReadAllBytes(Good(s))[..60])),
        })
        {
            table.Add(new(Predict, fault, s =>
            {
                string run = CopyRun(s, TrainedRuns.VisionRun), image = write(s);
                return new Invocation(["vision", "predict", "--checkpoint", run, Good(s), image], image);
            }));
        }
        static string Weights(FaultScene s) => s.Shared(Path.Combine(TrainedRuns.VisionRun, "model.safetensors"));
        table.Add(Option(Predict, "--top 0", "--top", s => ["vision", "predict", "--checkpoint", CopyRun(s, TrainedRuns.VisionRun), "--top", "0", Good(s)]));
        table.Add(Option(Predict, "neither --checkpoint nor --weights", "--checkpoint", s => ["vision", "predict", Good(s)]));
        table.Add(Option(Predict, "both --checkpoint and --weights", "--weights", s =>
            ["vision", "predict", "--checkpoint", CopyRun(s, TrainedRuns.VisionRun), "--weights", Weights(s), "--model", "resnet18-tiny", Good(s)]));
        table.Add(Option(Predict, "--model with --checkpoint", "--model", s => ["vision", "predict", "--checkpoint", CopyRun(s, TrainedRuns.VisionRun), "--model", "resnet18-tiny", Good(s)]));
        table.Add(Option(Predict, "--weights without --model", "--model", s => ["vision", "predict", "--weights", Weights(s), Good(s)]));
        table.Add(Option(Predict, "--model unknown", "resnet19", s => ["vision", "predict", "--weights", Weights(s), "--model", "resnet19", Good(s)]));
        table.Add(Option(Predict, "--weights of another model", "--weights", s => ["vision", "predict", "--weights", Weights(s), "--model", "seresnet18-tiny", Good(s)]));
        AddFileFaults(table, Predict, "--weights", "model.safetensors", FileFaults.All, (s, path) => ["vision", "predict", "--weights", path, "--model", "resnet18-tiny", Good(s)]);

        const string SiameseTrain = "siamese train";
        static string[] SiameseArgs(FaultScene s, string data, params string[] extra) =>
            ["siamese", "train", "--data", data, "--classes", "0-1", "--encoder", "resnet18-tiny", "--loss", "triplet", "--epochs", "1",
                "--images-per-class", "2", "--threads", "1", "--output", s.PathOf("run"), .. extra];
        AddImageDataFaults(table, SiameseTrain, (s, data) => SiameseArgs(s, data), (root, perClass) => VisionCommandTests.WriteImageFolder(root, 8, perClass), Path.Combine("train", "a", "1.png"));
        foreach (var (option, value) in new[] { ("--classes", "9-0"), ("--classes", "zero"), ("--loss", "hinge"), ("--encoder", "resnet19"), ("--epochs", "0"),
            ("--margin", "NaN"), ("--temperature", "0"), ("--embedding-dim", "0"), ("--images-per-class", "0"), ("--miner", "hardest"), ("--lr", "Infinity"), ("--batch-size", "0") })
        {
            table.Add(Option(SiameseTrain, $"{option} {value}", option == "--encoder" ? value : option, s =>
            {
                string[] args = SiameseArgs(s, ImageFolder(s));
                int at = Array.IndexOf(args, option);
                if (at >= 0)
                {
                    args[at + 1] = value;
                    return args;
                }
                return [.. args, option, value];
            }));
        }
        table.Add(Option(SiameseTrain, "--output under a regular file", "--output", s =>
            ["siamese", "train", "--data", ImageFolder(s), "--classes", "0-1", "--encoder", "resnet18-tiny", "--loss", "triplet", "--output", Path.Combine(s.Text("blocker", "x"), "run")]));

        static string[] Eval(FaultScene s, string run, params string[] extra) =>
            ["siamese", "eval", "--checkpoint", run, "--classes", "4-7", "--episodes", "10", "--verification-images", "16", .. extra];
        AddCheckpointFaults(table, "siamese eval", siamese: true, (s, run) => Eval(s, run));
        table.Add(Option("siamese eval", "--way above the classes", "9-way", s => Eval(s, CopyRun(s, TrainedRuns.SiameseRun), "--way", "9")));
        foreach (var (option, value) in new[] { ("--way", "0"), ("--shot", "0"), ("--episodes", "0"), ("--queries", "0"), ("--verification-images", "1") })
        {
            table.Add(Option("siamese eval", $"{option} {value}", option, s => Eval(s, CopyRun(s, TrainedRuns.SiameseRun), option, value)));
        }
        table.Add(Option("siamese eval", "--classes unknown", "--classes", s => ["siamese", "eval", "--checkpoint", CopyRun(s, TrainedRuns.SiameseRun), "--classes", "4-99", "--episodes", "10"]));
        table.Add(Option("siamese eval", "--checkpoint a classifier run", "--checkpoint", s => Eval(s, CopyRun(s, TrainedRuns.VisionRun))));

        static string[] Probe(FaultScene s, string run, params string[] extra) => ["siamese", "probe", "--checkpoint", run, "--subset", "16", "--test-subset", "16", "--epochs", "1", .. extra];
        AddCheckpointFaults(table, "siamese probe", siamese: true, (s, run) => Probe(s, run));
        table.Add(Option("siamese probe", "--subset 0", "--subset", s => ["siamese", "probe", "--checkpoint", CopyRun(s, TrainedRuns.SiameseRun), "--subset", "0"]));
        table.Add(Option("siamese probe", "--epochs 0", "--epochs", s => ["siamese", "probe", "--checkpoint", CopyRun(s, TrainedRuns.SiameseRun), "--subset", "16", "--epochs", "0"]));

        static string[] Report(FaultScene s, string run, params string[] extra) => ["embeddings", "report", "--checkpoint", run, "--output", s.PathOf("report"), "--count", "16", .. extra];
        AddCheckpointFaults(table, "embeddings report", siamese: true, (s, run) => Report(s, run));
        table.Add(Option("embeddings report", "--count 0", "--count", s => ["embeddings", "report", "--checkpoint", CopyRun(s, TrainedRuns.SiameseRun), "--output", s.PathOf("report"), "--count", "0"]));
        table.Add(Option("embeddings report", "--classes unknown", "--classes", s => Report(s, CopyRun(s, TrainedRuns.SiameseRun), "--classes", "40-41")));
        table.Add(Option("embeddings report", "--output under a regular file", "--output", s =>
            ["embeddings", "report", "--checkpoint", CopyRun(s, TrainedRuns.SiameseRun), "--output", Path.Combine(s.Text("blocker", "x"), "report"), "--count", "16"]));

        static string Image(FaultScene s, int i) => s.Shared(Path.Combine(TrainedRuns.SiameseImages, "test", "c4", $"{i}.png"));
        AddCheckpointFaults(table, "verify", siamese: true, (s, run) => ["verify", "--checkpoint", run, Image(s, 0), Image(s, 1)]);
        foreach (var (fault, write) in new (string, Func<FaultScene, string>)[]
        {
            ("IMAGE_B missing", s => s.Missing("b.png")),
            ("IMAGE_B empty", s => s.Text("b.png", "")),
            ("IMAGE_B a folder", s => s.Folder("b.png")),
            ("IMAGE_B binary garbage", s => s.Garbage("b.png")),
            ("IMAGE_B a truncated PNG", s => s.Bytes("b.png", File.ReadAllBytes(Image(s, 1))[..60])),
            ("IMAGE_B of another size", s => { VisionCommandTests.WriteImageFolder(s.PathOf("other"), 9, 1); return Path.Combine(s.PathOf("other"), "test", "a", "0.png"); }),
        })
        {
            table.Add(new("verify", fault, s =>
            {
                string run = CopyRun(s, TrainedRuns.SiameseRun), image = write(s);
                return new Invocation(["verify", "--checkpoint", run, Image(s, 0), image], image);
            }));
        }
    }

    /// <summary>A valid 8×8 two-class image folder in the scene.</summary>
    private static string ImageFolder(FaultScene s)
    {
        string root = s.PathOf("images");
        VisionCommandTests.WriteImageFolder(root, 8, 2);
        return root;
    }

    /// <summary>The image-folder faults of a training command's <c>--data</c>: missing, a file, no test split, and a damaged image.</summary>
    private static void AddImageDataFaults(List<FaultCase> table, string command, Func<FaultScene, string, string[]> args, Action<string, int> write, string image)
    {
        table.Add(new(command, "--data missing", s => Named(s, args, s.Missing("images"))));
        table.Add(new(command, "--data a regular file", s => Named(s, args, s.Text("images", "not a folder"))));
        table.Add(new(command, "--data without a test split", s =>
        {
            string root = s.PathOf("images");
            write(root, 2);
            Directory.Delete(Path.Combine(root, "test"), recursive: true);
            return new Invocation(args(s, root), root);
        }));
        foreach (var (fault, damage) in new (string, Func<byte[], byte[]>)[]
        {
            ("an empty image", _ => []),
            ("an image of binary garbage", _ => { var b = new byte[512]; new Random(1).NextBytes(b); return b; }),
            ("a truncated PNG", png => png[..(png.Length / 2)]),
        })
        {
            table.Add(new(command, $"--data {fault}", s =>
            {
                string root = s.PathOf("images");
                write(root, 2);
                string path = Path.Combine(root, image);
                File.WriteAllBytes(path, damage(File.ReadAllBytes(path)));
                return new Invocation(args(s, root), path);
            }));
        }
    }

    /// <summary>A copy of a trained run folder in the scene, without its optimizer state (evaluation does not read it).</summary>
    private static string CopyRun(FaultScene s, string run)
    {
        string copy = s.Folder("run");
        foreach (string file in Directory.EnumerateFiles(run))
        {
            if (Path.GetFileName(file) != "optimizer.safetensors")
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }
        }
        return copy;
    }

    /// <summary>
    /// The damaged run folders every command that reads a checkpoint must refuse: a missing folder or a file, no weights,
    /// and weights or a state.json that are empty, truncated, garbage, or have lying headers or wrong JSON types.
    /// </summary>
    private static void AddCheckpointFaults(List<FaultCase> table, string command, bool siamese, Func<FaultScene, string, string[]> args)
    {
        string Source() => siamese ? TrainedRuns.SiameseRun : TrainedRuns.VisionRun;
        table.Add(new(command, "--checkpoint missing", s => Named(s, args, s.Missing("run"))));
        table.Add(new(command, "--checkpoint a regular file", s => Named(s, args, s.Text("run", "not a folder"))));
        table.Add(new(command, "--checkpoint an empty folder", s => Named(s, args, s.Folder("run"))));
        var weights = new (string Fault, Func<byte[], byte[]> Damage)[]
        {
            ("weights empty", _ => []),
            ("weights truncated", w => w[..(w.Length / 2)]),
            ("weights shorter than the header length", w => w[..5]),
            ("weights header length lies", w => { byte[] c = (byte[])w.Clone(); BinaryPrimitives.WriteInt64LittleEndian(c, w.Length * 2L); return c; }),
            ("weights header length negative", w => { byte[] c = (byte[])w.Clone(); BinaryPrimitives.WriteInt64LittleEndian(c, -16); return c; }),
            ("weights header a JSON array", _ => Safetensors("[1, 2, 3]", 0)),
            ("weights header of wrong JSON types", _ => Safetensors("""{"w": {"dtype": 5, "shape": "x", "data_offsets": [0, 4]}}""", 4)),
            ("weights header a negative shape", _ => Safetensors("""{"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}""", 4)),
            ("weights header a 2^50-element shape", _ => Safetensors("""{"w": {"dtype": "F32", "shape": [1125899906842624], "data_offsets": [0, 4]}}""", 4)),
            ("weights offsets past the end", _ => Safetensors("""{"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}""", 4)),
            ("weights binary garbage", _ => { var b = new byte[4096]; new Random(2).NextBytes(b); return b; }),
        };
        foreach (var (fault, damage) in weights)
        {
            table.Add(new(command, fault, s =>
            {
                string run = CopyRun(s, Source());
                string model = Path.Combine(run, "model.safetensors");
                File.WriteAllBytes(model, damage(File.ReadAllBytes(model)));
                return new Invocation(args(s, run), model);
            }));
        }
        table.Add(new(command, "weights missing", s =>
        {
            string run = CopyRun(s, Source());
            File.Delete(Path.Combine(run, "model.safetensors"));
            return new Invocation(args(s, run), run);
        }));
        var states = new (string Fault, Func<string, string> Damage)[]
        {
            ("state.json empty", _ => ""),
            ("state.json truncated", j => j[..(j.Length / 2)]),
            ("state.json a JSON array", _ => "[1, 2]"),
            ("state.json of wrong JSON types", WrongTypes),
            ("state.json invalid UTF-8", j => j), // bytes damaged below
        };
        foreach (var (fault, damage) in states)
        {
            table.Add(new(command, fault, s =>
            {
                string run = CopyRun(s, Source());
                string state = Path.Combine(run, "state.json");
                string text = File.ReadAllText(state);
                if (fault.EndsWith("invalid UTF-8", StringComparison.Ordinal))
                {
                    byte[] bytes = Encoding.UTF8.GetBytes(text);
                    bytes[bytes.Length / 2] = 0xFF;
                    File.WriteAllBytes(state, bytes);
                }
                else
                {
                    File.WriteAllText(state, damage(text));
                }
                return new Invocation(args(s, run), state);
            }));
        }
        table.Add(new(command, "state.json missing", s =>
        {
            string run = CopyRun(s, Source());
            File.Delete(Path.Combine(run, "state.json"));
            return new Invocation(args(s, run), run);
        }));
        if (!siamese)
        {
            table.Add(new(command, "state.json normalisation of two channels for one", s =>
            {
                string run = CopyRun(s, Source());
                string state = Path.Combine(run, "state.json");
                var root = JsonNode.Parse(File.ReadAllText(state))!.AsObject();
                root["mean"] = new JsonArray(0.5, 0.5);
                File.WriteAllText(state, root.ToJsonString());
                return new Invocation(args(s, run), state);
            }));
        }
    }

    /// <summary>The run's state.json with every string value made a number and every number a string.</summary>
    private static string WrongTypes(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        foreach (var (key, value) in root.ToList())
        {
            root[key] = value?.GetValueKind() switch
            {
                System.Text.Json.JsonValueKind.String => JsonValue.Create(7),
                System.Text.Json.JsonValueKind.Number => JsonValue.Create("seven"),
                System.Text.Json.JsonValueKind.Array => JsonValue.Create(true),
                System.Text.Json.JsonValueKind.Object => new JsonArray(),
                _ => value?.DeepClone(),
            };
        }
        return root.ToJsonString();
    }

    /// <summary>A safetensors file: the little-endian header length, <paramref name="header"/>, then <paramref name="dataBytes"/> zero bytes.</summary>
    private static byte[] Safetensors(string header, int dataBytes)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    /// <summary>The safetensors file with the first element of its first F32 tensor set to NaN.</summary>
    private static byte[] WithNaNWeight(byte[] file)
    {
        byte[] copy = (byte[])file.Clone();
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(copy);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(copy, 8, (int)headerLength))!.AsObject();
        foreach (var (name, entry) in header)
        {
            if (name != "__metadata__" && entry?["dtype"]?.GetValue<string>() == "F32")
            {
                long start = entry["data_offsets"]![0]!.GetValue<long>();
                BinaryPrimitives.WriteSingleLittleEndian(copy.AsSpan((int)(8 + headerLength + start)), float.NaN);
                return copy;
            }
        }
        throw new InvalidOperationException("no F32 tensor in the run's weights");
    }
}
