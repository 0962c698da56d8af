using System.Text.Json.Serialization;

namespace Manabi.Serving;

// The request and response shapes, for the OpenAPI document only: handlers read and write JSON directly, to name
// the offending field in errors and to stream vectors without intermediate objects.
#pragma warning disable CA1812 // Never instantiated; described by the OpenAPI generator.

/// <summary>OpenAI <c>POST /v1/embeddings</c> request.</summary>
internal sealed record EmbeddingsRequest(
    [property: JsonPropertyName("input")] object Input,
    [property: JsonPropertyName("model")] string? Model = null,
    [property: JsonPropertyName("encoding_format")] string? EncodingFormat = null,
    [property: JsonPropertyName("dimensions")] int? Dimensions = null,
    [property: JsonPropertyName("user")] string? User = null);

/// <summary>One OpenAI embedding.</summary>
internal sealed record EmbeddingItem(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("embedding")] float[] Embedding);

/// <summary>OpenAI token usage.</summary>
internal sealed record EmbeddingUsage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens);

/// <summary>OpenAI <c>POST /v1/embeddings</c> response.</summary>
internal sealed record EmbeddingsResponse(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] EmbeddingItem[] Data,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("usage")] EmbeddingUsage Usage);

/// <summary>OpenAI error body.</summary>
internal sealed record OpenAiErrorBody([property: JsonPropertyName("error")] OpenAiErrorDetail Error);

/// <summary>OpenAI error detail.</summary>
internal sealed record OpenAiErrorDetail(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);

/// <summary>TEI error body.</summary>
internal sealed record TeiErrorBody(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_type")] string ErrorType);

/// <summary>TEI <c>POST /embed</c> request.</summary>
internal sealed record EmbedRequest(
    [property: JsonPropertyName("inputs")] object Inputs,
    [property: JsonPropertyName("normalize")] bool? Normalize = null,
    [property: JsonPropertyName("truncate")] bool? Truncate = null,
    [property: JsonPropertyName("truncation_direction")] string? TruncationDirection = null,
    [property: JsonPropertyName("dimensions")] int? Dimensions = null,
    [property: JsonPropertyName("prompt_name")] string? PromptName = null);

/// <summary>TEI <c>POST /tokenize</c> request.</summary>
internal sealed record TokenizeRequest(
    [property: JsonPropertyName("inputs")] object Inputs,
    [property: JsonPropertyName("add_special_tokens")] bool? AddSpecialTokens = null,
    [property: JsonPropertyName("prompt_name")] string? PromptName = null);

/// <summary>One TEI token.</summary>
internal sealed record TokenItem(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("special")] bool Special,
    [property: JsonPropertyName("start")] int? Start,
    [property: JsonPropertyName("stop")] int? Stop);

/// <summary>TEI <c>POST /decode</c> request.</summary>
internal sealed record DecodeRequest(
    [property: JsonPropertyName("ids")] object Ids,
    [property: JsonPropertyName("skip_special_tokens")] bool? SkipSpecialTokens = null);

/// <summary>TEI <c>POST /similarity</c> inputs.</summary>
internal sealed record SimilarityInputs(
    [property: JsonPropertyName("source_sentence")] string SourceSentence,
    [property: JsonPropertyName("sentences")] string[] Sentences);

/// <summary>TEI <c>POST /similarity</c> request.</summary>
internal sealed record SimilarityRequest(
    [property: JsonPropertyName("inputs")] SimilarityInputs Inputs,
    [property: JsonPropertyName("truncate")] bool? Truncate = null,
    [property: JsonPropertyName("truncation_direction")] string? TruncationDirection = null,
    [property: JsonPropertyName("prompt_name")] string? PromptName = null);
#pragma warning restore CA1812
