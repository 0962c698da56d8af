using Manabi.SentenceTransformers.Models.Bert;
using Manabi.Text;
using Manabi.Torch.Runtime;
using System.Text.Json.Nodes;
using static TorchSharp.torch;
using Manabi.Numerics.IO;

namespace Manabi.SentenceTransformers;

public sealed partial class SentenceEncoder
{
    /// <summary>
    /// Loads a sentence-transformers folder (<c>modules.json</c> naming Transformer, Pooling, Dense and Normalize
    /// modules) or, without <c>modules.json</c>, a plain HF BERT folder with mean pooling (as sentence-transformers
    /// does). The tokenizer comes from <c>tokenizer.json</c> or <c>vocab.txt</c>; <c>sentence_bert_config.json</c>
    /// gives max_seq_length and do_lower_case.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file the folder needs is absent.</exception>
    /// <exception cref="InvalidDataException">A configuration or weight file is malformed; the message names it.</exception>
    public static SentenceEncoder Load(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        TorchRuntime.EnsureLoaded();
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder}: the model folder does not exist");
        }
        string modulesPath = Path.Combine(folder, "modules.json");
        if (!File.Exists(modulesPath))
        {
            var (plainBert, tokenizer, maxLength, lower) = LoadTransformer(folder);
            return new SentenceEncoder(plainBert, tokenizer, new Pooling(plainBert.Config.HiddenSize, PoolingMode.Mean), [], maxLength, lower)
            {
                ModelId = Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/')),
            };
        }
        var entries = JsonFiles.Parse(modulesPath) as JsonArray ?? throw new InvalidDataException($"{modulesPath}:1: expected a JSON array");
        BertModel? bert = null;
        Tokenizer? tok = null;
        int maxSeq = 0;
        bool doLower = false;
        Pooling? pool = null;
        var after = new List<nn.Module<Tensor, Tensor>>();
        foreach (JsonNode? entry in entries)
        {
            string type = entry?["type"]?.GetValue<string>() ?? throw new InvalidDataException($"{modulesPath}: a module has no \"type\"");
            string sub = Path.Combine(folder, entry["path"]?.GetValue<string>() ?? "");
            switch (type.Split('.')[^1])
            {
                case "Transformer" when bert is null:
                    (bert, tok, maxSeq, doLower) = LoadTransformer(sub);
                    break;
                case "Pooling" when bert is not null && pool is null:
                    pool = Pooling.Load(sub);
                    break;
                case "Dense" when pool is not null:
                    after.Add(Dense.Load(sub));
                    break;
                case "Normalize" when pool is not null:
                    after.Add(new Normalize());
                    break;
                default:
                    throw new InvalidDataException(
                        $"{modulesPath}: module {type} is not supported here (expected Transformer, Pooling, then Dense/Normalize modules)");
            }
        }
        if (bert is null || pool is null)
        {
            throw new InvalidDataException($"{modulesPath}: a Transformer and a Pooling module are required");
        }
        return new SentenceEncoder(bert, tok!, pool, after, maxSeq, doLower)
        {
            ModelId = Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/')),
        };
    }

    private static (BertModel Bert, Tokenizer Tokenizer, int MaxSeqLength, bool DoLowerCase) LoadTransformer(string folder)
    {
        var bert = BertWeights.LoadModel(folder);
        // Any tokenizer.json (WordPiece, BPE, Unigram: a multilingual MiniLM's XLM-R Unigram loads as BERT's WordPiece
        // does); without one, BERT's vocab.txt and tokenizer_config.json.
        var tokenizer = File.Exists(Path.Combine(folder, WordPieceTokenizer.TokenizerJsonFileName))
            ? Tokenizer.FromFile(folder)
            : WordPieceTokenizer.Load(folder).ToTokenizer();
        int? maxSeq = null;
        bool doLower = false;
        string sbertConfig = Path.Combine(folder, "sentence_bert_config.json");
        if (File.Exists(sbertConfig))
        {
            JsonObject o = JsonFiles.ParseObject(sbertConfig);
            maxSeq = JsonFiles.ReadInt(o, "max_seq_length", sbertConfig);
            doLower = JsonFiles.ReadBool(o, "do_lower_case", sbertConfig) ?? false;
        }
        if (maxSeq is null)
        {
            // As transformers: the tokenizer's model_max_length when it is a real limit, never beyond the positions.
            maxSeq = bert.Config.MaxPositionEmbeddings;
            string tokenizerConfig = Path.Combine(folder, "tokenizer_config.json");
            if (File.Exists(tokenizerConfig)
                && JsonFiles.ReadDouble(JsonFiles.ParseObject(tokenizerConfig), "model_max_length", tokenizerConfig) is { } limit
                && limit < maxSeq)
            {
                maxSeq = (int)limit;
            }
        }
        return (bert, tokenizer, Math.Min(maxSeq.Value, bert.Config.MaxPositionEmbeddings), doLower);
    }

    /// <summary>
    /// Saves as a sentence-transformers folder that Python's <c>SentenceTransformer(folder)</c> loads: the HF model
    /// (config.json, model.safetensors, tokenizer files) at the root, <c>sentence_bert_config.json</c>,
    /// <c>modules.json</c>, and one numbered folder per later module. The folder is built beside the target and
    /// renamed into place, so a crash never leaves half a model.
    /// </summary>
    public void Save(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        AtomicDirectory.Write(folder, WriteFolder);
    }

    private void WriteFolder(string folder)
    {
        BertWeights.Save(bert, folder);
        if (Tokenizer.WordPiece is { } wordPiece)
        {
            wordPiece.SaveTokenizerJson(Path.Combine(folder, "tokenizer.json"));
            wordPiece.SaveVocab(Path.Combine(folder, "vocab.txt"));
            JsonFiles.WriteAtomically(Path.Combine(folder, "tokenizer_config.json"), new JsonObject
            {
                ["tokenizer_class"] = "BertTokenizer",
                ["do_lower_case"] = wordPiece.Normalizer.Lowercase,
                ["strip_accents"] = wordPiece.Normalizer.StripAccents,
                ["tokenize_chinese_chars"] = wordPiece.Normalizer.HandleChineseChars,
                ["model_max_length"] = MaxSeqLength,
                ["unk_token"] = wordPiece.Model.UnknownToken,
                ["cls_token"] = wordPiece.PostProcessor?.Cls ?? "[CLS]",
                ["sep_token"] = wordPiece.PostProcessor?.Sep ?? "[SEP]",
                ["pad_token"] = "[PAD]",
                ["mask_token"] = "[MASK]",
            });
        }
        else
        {
            // transformers loads any tokenizer.json through its fast tokenizer class.
            Tokenizer.Save(Path.Combine(folder, "tokenizer.json"));
            JsonFiles.WriteAtomically(Path.Combine(folder, "tokenizer_config.json"), new JsonObject
            {
                ["tokenizer_class"] = "PreTrainedTokenizerFast",
                ["model_max_length"] = MaxSeqLength,
            });
        }
        JsonFiles.WriteAtomically(Path.Combine(folder, "sentence_bert_config.json"), new JsonObject
        {
            ["max_seq_length"] = MaxSeqLength,
            ["do_lower_case"] = DoLowerCase,
        });
        JsonFiles.WriteAtomically(Path.Combine(folder, "config_sentence_transformers.json"), new JsonObject
        {
            ["__version__"] = new JsonObject { ["manabi"] = typeof(SentenceEncoder).Assembly.GetName().Version?.ToString() },
            ["prompts"] = new JsonObject(),
            ["default_prompt_name"] = null,
            ["similarity_fn_name"] = "cosine",
        });
        var entries = new JsonArray(Entry(0, "", "sentence_transformers.models.Transformer"));
        int index = 1;
        string poolingPath = $"{index}_Pooling";
        pooling.Save(Directory.CreateDirectory(Path.Combine(folder, poolingPath)).FullName);
        entries.Add(Entry(index++, poolingPath, "sentence_transformers.models.Pooling"));
        foreach (var module in after_pooling)
        {
            string name = module is Dense ? "Dense" : "Normalize";
            string path = $"{index}_{name}";
            string full = Directory.CreateDirectory(Path.Combine(folder, path)).FullName;
            if (module is Dense dense)
            {
                dense.Save(full);
            }
            entries.Add(Entry(index++, path, $"sentence_transformers.models.{name}"));
        }
        JsonFiles.WriteAtomically(Path.Combine(folder, "modules.json"), entries);
    }

    private static JsonObject Entry(int index, string path, string type) => new()
    {
        ["idx"] = index,
        ["name"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["path"] = path,
        ["type"] = type,
    };
}
