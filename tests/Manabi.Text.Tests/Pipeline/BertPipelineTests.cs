using System.Text.Json.Nodes;
using Manabi.TestSupport;

namespace Manabi.Text.Tests.Pipeline;

/// <summary>
/// BERT tokenizer.json files through <see cref="Tokenizer"/>: the fused WordPiece specialization gives what
/// <see cref="WordPieceTokenizer"/> gives and what HF gives; a WordPiece model outside BERT's pipeline takes the general path.
/// </summary>
public sealed class BertPipelineTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("manabi-bert-pipeline-").FullName;
    private readonly string _bertJson;

    public BertPipelineTests()
    {
        _bertJson = Path.Combine(_folder, "tokenizer.json");
        WordPieceTokenizer.FromVocabFile(Fixtures.Path("tokenizer", "bert-uncased-vocab.txt")).SaveTokenizerJson(_bertJson);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string[] Texts => [.. PipelineOracle.Texts, "[CLS] Hello [MASK] world [SEP]", "[cls] lower [mask]"];

    private static string WithTemplate(string json)
    {
        var node = JsonNode.Parse(json)!;
        int cls = node["post_processor"]!["cls"]![1]!.GetValue<int>();
        int sep = node["post_processor"]!["sep"]![1]!.GetValue<int>();
        node["post_processor"] = JsonNode.Parse("""
            {"type":"TemplateProcessing",
             "single":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}}],
             "pair":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}},
                     {"Sequence":{"id":"B","type_id":1}},{"SpecialToken":{"id":"[SEP]","type_id":1}}],
             "special_tokens":{"[CLS]":{"id":"[CLS]","ids":[CLS_ID],"tokens":["[CLS]"]},"[SEP]":{"id":"[SEP]","ids":[SEP_ID],"tokens":["[SEP]"]}}}
            """.Replace("CLS_ID", cls.ToString()).Replace("SEP_ID", sep.ToString()));
        return node.ToJsonString();
    }

    [Fact]
    public void BERT_tokenizer_json_is_fused_and_equals_WordPieceTokenizer()
    {
        var tokenizer = Tokenizer.FromFile(_bertJson);
        Assert.NotNull(tokenizer.WordPiece);
        Assert.IsType<WordPieceModel>(tokenizer.Model);
        var reference = WordPieceTokenizer.FromTokenizerJson(_bertJson);
        var texts = Texts;
        var pairs = texts.Skip(1).Append("").ToArray();
        for (int i = 0; i < texts.Length; i++)
        {
            var expected = reference.Encode(texts[i], pairs[i]);
            var actual = tokenizer.Encode(texts[i], pairs[i]);
            Assert.Equal(expected.Ids, actual.Ids);
            Assert.Equal(expected.Offsets, actual.Offsets);
            Assert.Equal(expected.TypeIds, actual.TypeIds);
            Assert.Equal(expected.WordIds, actual.WordIds);
            Assert.Equal(reference.Decode(actual.Ids), tokenizer.Decode(actual.Ids));
            Assert.Equal(reference.Decode(actual.Ids, skipSpecialTokens: false), tokenizer.Decode(actual.Ids, skipSpecialTokens: false));
            Assert.Equal(reference.CountTokens(texts[i]), tokenizer.CountTokens(texts[i]));
        }
    }

    [Fact]
    public void BERT_with_BertProcessing_matches_HF()
    {
        string json = File.ReadAllText(_bertJson);
        var tokenizer = Tokenizer.FromJson(json);
        PipelineOracle.AssertSame(tokenizer, json, Texts);
        PipelineOracle.AssertSame(tokenizer, json, Texts.Take(200).ToArray(), Texts.Skip(200).Take(200).ToArray());
    }

    [Fact]
    public void BERT_template_equivalent_is_fused_and_matches_HF_with_truncation_and_padding()
    {
        var node = JsonNode.Parse(WithTemplate(File.ReadAllText(_bertJson)))!;
        node["truncation"] = JsonNode.Parse("""{"direction":"Right","max_length":24,"strategy":"LongestFirst","stride":3}""");
        node["padding"] = JsonNode.Parse("""{"strategy":{"Fixed":28},"direction":"Left","pad_to_multiple_of":null,"pad_id":0,"pad_type_id":0,"pad_token":"[PAD]"}""");
        string json = node.ToJsonString();
        var tokenizer = Tokenizer.FromJson(json);
        Assert.NotNull(tokenizer.WordPiece);
        Assert.IsType<TemplatePostProcessor>(tokenizer.PostProcessor);
        PipelineOracle.AssertSame(tokenizer, json, Texts.Take(300).ToArray());
        PipelineOracle.AssertSame(tokenizer, json, Texts.Take(150).ToArray(), Texts.Skip(150).Take(150).ToArray());
    }

    [Fact]
    public void BERT_without_a_decoder_is_fused_and_decodes_as_HF_does()
    {
        var node = JsonNode.Parse(File.ReadAllText(_bertJson))!;
        node["decoder"] = null;
        string json = node.ToJsonString();
        var tokenizer = Tokenizer.FromJson(json);
        Assert.NotNull(tokenizer.WordPiece);
        Assert.Null(tokenizer.Decoder);
        PipelineOracle.AssertSame(tokenizer, json, Texts.Take(100).ToArray());
    }

    [Fact]
    public void WordPiece_outside_the_BERT_pipeline_takes_the_general_path_and_matches_HF()
    {
        var node = JsonNode.Parse(File.ReadAllText(_bertJson))!;
        node["normalizer"] = TestStages.Lowercase.Json is var lower ? JsonNode.Parse(lower) : null;
        node["pre_tokenizer"] = JsonNode.Parse(TestStages.WhitespaceSplit.Json);
        string json = node.ToJsonString();
        var tokenizer = PipelineOracle.Build(json, TestStages.Lowercase, TestStages.WhitespaceSplit);
        Assert.Null(tokenizer.WordPiece);
        PipelineOracle.AssertSame(tokenizer, json, Texts);
    }

    [Fact]
    public void Saving_a_fused_tokenizer_writes_the_BERT_pipeline()
    {
        var tokenizer = Tokenizer.FromFile(_folder).WithTruncation(new TruncationOptions(16, stride: 2));
        string saved = Path.Combine(_folder, "saved.json");
        tokenizer.Save(saved);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp-*"));
        var reloaded = Tokenizer.FromFile(saved);
        Assert.NotNull(reloaded.WordPiece);
        Assert.Equal(16, reloaded.Truncation!.MaxLength);
        PipelineOracle.AssertSame(reloaded, File.ReadAllText(saved), Texts.Take(100).ToArray());
    }
}
