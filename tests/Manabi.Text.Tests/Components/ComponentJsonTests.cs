using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Manabi.Text.Tests.Components;

/// <summary>tokenizer.json reading and writing of the components: HF's own serialization, round trips, clear errors.</summary>
public sealed class ComponentJsonTests
{
    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static TheoryData<string, string> AllComponents()
    {
        var data = new TheoryData<string, string>();
        foreach (var row in ComponentParityTests.Normalizers)
        {
            data.Add("normalizer", row);
        }
        foreach (var row in ComponentParityTests.PreTokenizers)
        {
            data.Add("preTokenizer", row);
        }
        foreach (var row in ComponentParityTests.Decoders)
        {
            data.Add("decoder", row);
        }
        return data;
    }

    private static string ReadThenWrite(string kind, string json)
    {
        JsonElement e = JsonDocument.Parse(json).RootElement;
        return kind switch
        {
            "normalizer" => Write(w => NormalizerJson.Write(w, NormalizerJson.Read(e, "normalizer")!)),
            "preTokenizer" => Write(w => PreTokenizerJson.Write(w, PreTokenizerJson.Read(e, "pre_tokenizer")!)),
            _ => Write(w => DecoderJson.Write(w, DecoderJson.Read(e, "decoder")!)),
        };
    }

    [Theory]
    [MemberData(nameof(AllComponents))]
    public void Written_json_equals_what_HF_writes_and_reads_back_the_same(string kind, string json)
    {
        string written = ReadThenWrite(kind, json);
        JsonNode hf = TokenizersOracle.Run("components.js", new JsonObject
        {
            [kind] = JsonNode.Parse(json),
            ["texts"] = new JsonArray(),
            ["tokenLists"] = new JsonArray(),
            ["serialize"] = true,
        })["saved"]![kind]!;
        Assert.True(JsonNode.DeepEquals(hf, JsonNode.Parse(written)), $"HF writes {hf.ToJsonString()}\nManabi writes {written}");
        Assert.Equal(written, ReadThenWrite(kind, written));
    }

    [Theory]
    [InlineData("normalizer", """{"type":"Sequence","normalizers":[{"type":"NFC"},{"type":"Foo"}]}""", "normalizer.normalizers[1]: unknown normalizer type 'Foo'")]
    [InlineData("preTokenizer", """{"type":"Sequence","pretokenizers":[{"type":"Bar"}]}""", "pre_tokenizer.pretokenizers[0]: unknown pre-tokenizer type 'Bar'")]
    [InlineData("decoder", """{"type":"Sequence","decoders":[{"type":"Fuse"},{"type":"Baz"}]}""", "decoder.decoders[1]: unknown decoder type 'Baz'")]
    [InlineData("preTokenizer", """{"type":"Split","pattern":{"String":" "},"behavior":"Sideways","invert":false}""", "pre_tokenizer.behavior: unknown split behavior 'Sideways'")]
    [InlineData("preTokenizer", """{"type":"Split","pattern":{"Glob":"*"},"behavior":"Removed","invert":false}""", "pre_tokenizer.pattern: expected {\"String\": ...} or {\"Regex\": ...}")]
    [InlineData("preTokenizer", """{"type":"Metaspace","replacement":"ab","prepend_scheme":"always","split":true}""", "pre_tokenizer.replacement: expected a single character")]
    [InlineData("preTokenizer", """{"type":"Metaspace","replacement":"_","prepend_scheme":"sometimes"}""", "pre_tokenizer.prepend_scheme: unknown prepend scheme 'sometimes'")]
    [InlineData("preTokenizer", """{"type":"FixedLength","length":0}""", "pre_tokenizer.length: must be positive")]
    [InlineData("normalizer", """{"type":"Precompiled","precompiled_charsmap":"%%%"}""", "normalizer.precompiled_charsmap: not valid base64")]
    [InlineData("normalizer", """{"type":"Precompiled","precompiled_charsmap":"AAE="}""", "normalizer.precompiled_charsmap: precompiled_charsmap: 2 bytes")]
    [InlineData("normalizer", """{"type":"Replace","pattern":{"String":"a"}}""", "normalizer.content: missing field")]
    [InlineData("decoder", """{"type":"Strip","content":"_","start":-1,"stop":0}""", "decoder.start: must not be negative")]
    [InlineData("normalizer", """{"type":"Replace","pattern":{"Regex":"(unclosed"},"content":""}""", "normalizer.pattern.Regex: invalid regex")]
    public void Bad_component_names_its_json_path(string kind, string json, string message)
    {
        var e = Assert.ThrowsAny<FormatException>(() => ReadThenWrite(kind, json));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void Unknown_top_level_type_is_left_to_the_tokenizer_reader()
    {
        JsonElement e = JsonDocument.Parse("""{"type":"Nope"}""").RootElement;
        Assert.Null(NormalizerJson.Read(e, "normalizer"));
        Assert.Null(PreTokenizerJson.Read(e, "pre_tokenizer"));
        Assert.Null(DecoderJson.Read(e, "decoder"));
    }

    [Fact]
    public void Legacy_metaspace_add_prefix_space_false_means_never()
    {
        var m = (MetaspacePreTokenizer)PreTokenizerJson.Read(
            JsonDocument.Parse("""{"type":"Metaspace","replacement":"▁","add_prefix_space":false,"prepend_scheme":"never"}""").RootElement, "p")!;
        Assert.Equal(MetaspacePrependScheme.Never, m.PrependScheme);
        Assert.Throws<TokenizerFormatException>(() => PreTokenizerJson.Read(
            JsonDocument.Parse("""{"type":"Metaspace","replacement":"▁","add_prefix_space":false,"prepend_scheme":"first"}""").RootElement, "p"));
    }

    [Fact]
    public void Precompiled_test_charsmap_rewrites_as_its_rules_say()
    {
        var normalizer = new PrecompiledNormalizer(CharsmapBuilder.Build(CharsmapBuilder.TestRules()));
        // "x" is the shortest matching key, so it wins even inside "x" + combining acute (one grapheme).
        // Lookups are per grapheme, so the key "xy" never applies: "x" and "y" are two graphemes.
        Assert.Equal("fiks1 株式会社 \u00E9 ks ksy", normalizer.NormalizeString("ﬁx① ㍿ e\u0301 x\u0301 xy"));
    }

    [Fact]
    public void Strip_decoder_does_not_crash_where_HF_panics()
    {
        var tokens = new List<string> { "a", "", "aa" };
        new StripDecoder("a", 1, 1).DecodeChain(tokens);
        Assert.Equal(["", "", ""], tokens);
    }
}
