namespace Manabi.Text.Tests.Pipeline;

/// <summary>Bad tokenizer.json files: the message names the file, the JSON path and the component.</summary>
public sealed class TokenizerJsonErrorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("manabi-tokenizer-json-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string Model = """{"type":"WordLevel","vocab":{"[UNK]":0,"a":1},"unk_token":"[UNK]"}""";

    private static string Json(string model = Model, string normalizer = "null", string postProcessor = "null", string truncation = "null",
        string version = "\"1.0\"") => $$"""
        {"version":{{version}},"truncation":{{truncation}},"padding":null,"added_tokens":[],"normalizer":{{normalizer}},
         "pre_tokenizer":null,"post_processor":{{postProcessor}},"decoder":null,"model":{{model}}}
        """;

    private static string Error(string json) => Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromJson(json)).Message;

    [Fact]
    public void Unknown_components_are_named_with_their_path()
    {
        Assert.Equal("normalizer: unknown normalizer type 'Foo'", Error(Json(normalizer: """{"type":"Foo"}""")));
        Assert.Equal("model: unknown model type 'Foo'", Error(Json(model: """{"type":"Foo","vocab":{}}""")));
        Assert.Equal("post_processor.processors[1]: unknown post-processor type 'Foo'", Error(Json(postProcessor:
            """{"type":"Sequence","processors":[{"type":"ByteLevel"},{"type":"Foo"}]}""")));
    }

    [Fact]
    public void Missing_fields_and_wrong_types_are_named()
    {
        Assert.Equal("model.unk_token: missing field", Error(Json(model: """{"type":"WordLevel","vocab":{"a":0}}""")));
        Assert.Equal("model: missing field", Error("""{"version":"1.0","added_tokens":[]}"""));
        Assert.Equal("truncation.max_length: expected an integer, found a string",
            Error(Json(truncation: """{"max_length":"12","strategy":"LongestFirst","stride":0}""")));
        Assert.Equal("model.vocab[\"a\"]: expected an integer, found a boolean", Error(Json(model: """{"type":"WordLevel","vocab":{"a":true},"unk_token":"a"}""")));
        Assert.Equal("normalizer.type: missing field", Error(Json(normalizer: """{"lowercase":true}""")));
        Assert.Equal("post_processor.sep: expected an array, found a string", Error(Json(postProcessor: """{"type":"BertProcessing","sep":"[SEP]","cls":["[CLS]",1]}""")));
        Assert.Equal("version: unknown tokenizer version '2.0'", Error(Json(version: "\"2.0\"")));
    }

    [Fact]
    public void Invalid_templates_and_truncation_are_refused()
    {
        Assert.Equal("post_processor: Missing SpecialToken(s) with id(s) `[CLS]`", Error(Json(postProcessor: """
            {"type":"TemplateProcessing","single":["[CLS]","$A"],"pair":["$A","$B:1"],"special_tokens":{}}
            """)));
        Assert.Equal("post_processor: Template for `pair` must use both sequences", Error(Json(postProcessor: """
            {"type":"TemplateProcessing","single":["$A"],"pair":["$A"],"special_tokens":{}}
            """)));
        Assert.StartsWith("post_processor.single[0].Sequence.id: expected \"A\" or \"B\"", Error(Json(postProcessor: """
            {"type":"TemplateProcessing","single":[{"Sequence":{"id":"C","type_id":0}}],"pair":["$A","$B"],"special_tokens":{}}
            """)));
        Assert.StartsWith("truncation: tokenizer stride set to 5", Error(Json(
            postProcessor: """{"type":"BertProcessing","sep":["a",1],"cls":["a",1]}""",
            truncation: """{"max_length":6,"strategy":"LongestFirst","stride":5}""")));
    }

    [Fact]
    public void File_errors_name_the_file_and_the_line_of_malformed_JSON()
    {
        string path = Path.Combine(_folder, "tokenizer.json");
        File.WriteAllText(path, Json(normalizer: """{"type":"Foo"}"""));
        var e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromFile(path));
        Assert.Equal($"{path}: normalizer: unknown normalizer type 'Foo'", e.Message);
        Assert.Equal(path, e.FilePath);

        File.WriteAllText(path, "{\n  \"version\": \"1.0\",\n  \"model\": {,\n}");
        e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromFile(path));
        Assert.StartsWith($"{path}:3: malformed JSON", e.Message);

        e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromFile(Path.Combine(_folder, "missing.json")));
        Assert.Contains("does not exist", e.Message);
        e = Assert.Throws<TokenizerFormatException>(() => Tokenizer.FromFile(Path.Combine(_folder, "empty")));
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void Saving_a_user_stage_without_a_json_form_is_refused_clearly()
    {
        var tokenizer = new Tokenizer(new WordLevelModel(new Dictionary<string, int> { ["a"] = 0 }, "a"), postProcessor: new UserProcessor());
        var e = Assert.Throws<NotSupportedException>(() => tokenizer.ToJson());
        Assert.Contains(nameof(UserProcessor), e.Message);
    }

    private sealed class UserProcessor : IPostProcessor
    {
        public int AddedTokens(bool isPair) => 0;

        public TokenEncoding Process(TokenEncoding first, TokenEncoding? second, bool addSpecialTokens) => first;
    }
}
