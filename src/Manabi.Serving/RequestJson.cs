using System.Text.Json;
using Manabi.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Manabi.Serving;

/// <summary>Reading and checking request bodies, with errors that name the field.</summary>
internal static class RequestJson
{
    /// <summary>The body as JSON, within the payload limit (413 beyond it, 400 when it is not JSON, 422 when not an object).</summary>
    public static async Task<JsonDocument> ReadAsync(HttpContext context, long limit)
    {
        if (context.Request.ContentLength is long length && length > limit)
        {
            throw TooLarge(length, limit);
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new ApiError(400, $"The body is not valid JSON: {e.Message}", code: "invalid_json");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(null, limit);
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            string kind = Kind(document.RootElement);
            document.Dispose();
            throw new ApiError(422, $"The body must be a JSON object, not {kind}.", code: "invalid_type");
        }
        return document;
    }

    private static ApiError TooLarge(long? length, long limit) =>
        new(413, $"The body{(length is { } n ? $" ({n} bytes)" : "")} is over the payload limit of {limit} bytes (--payload-limit).",
            code: "payload_too_large");

    public static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => element.ValueKind.ToString(),
    };

    public static bool TryGet(JsonElement body, string name, out JsonElement value) =>
        body.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    public static string? OptionalString(JsonElement body, string name) =>
        !TryGet(body, name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw ApiError.Invalid(name, $"must be a string, not {Kind(value)}.");

    public static bool? OptionalBool(JsonElement body, string name) =>
        !TryGet(body, name, out var value) ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw ApiError.Invalid(name, $"must be true or false, not {Kind(value)}.");

    /// <summary>Matryoshka <c>dimensions</c>: absent is 0 (the model's width); else in [1, width].</summary>
    public static int Dimensions(JsonElement body, int width)
    {
        if (!TryGet(body, "dimensions", out var value))
        {
            return 0;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int dimensions))
        {
            throw ApiError.Invalid("dimensions", $"must be an integer, not {Kind(value)}.");
        }
        if (dimensions < 1 || dimensions > width)
        {
            throw ApiError.Invalid("dimensions", $"{dimensions} is out of range: the model's embeddings have {width} dimensions, so it must lie in [1, {width}].");
        }
        return dimensions;
    }

    public static TruncationDirection Direction(JsonElement body)
    {
        string? text = OptionalString(body, "truncation_direction");
        return text?.ToLowerInvariant() switch
        {
            null or "right" => TruncationDirection.Right,
            "left" => TruncationDirection.Left,
            _ => throw ApiError.Invalid("truncation_direction", $"'{text}' is neither 'Right' nor 'Left'."),
        };
    }

    /// <summary>
    /// The inputs of <paramref name="field"/>: a string, an array of strings, an array of token ids, or an array of
    /// arrays of token ids. Empty input is 422; more than <paramref name="maxInputs"/> is 413.
    /// </summary>
    public static (List<string>? Texts, List<int[]>? Ids) Inputs(JsonElement body, string field, int maxInputs, int vocabulary)
    {
        if (!body.TryGetProperty(field, out var input) || input.ValueKind == JsonValueKind.Null)
        {
            throw ApiError.Invalid(field, "is required.");
        }
        if (input.ValueKind == JsonValueKind.String)
        {
            return ([NonEmpty(input.GetString()!, field)], null);
        }
        if (input.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.Invalid(field, $"must be a string, an array of strings or an array of token-id arrays, not {Kind(input)}.");
        }
        int count = input.GetArrayLength();
        if (count == 0)
        {
            throw ApiError.Empty(field, "is empty: give at least one input.");
        }
        var first = input[0];
        if (first.ValueKind == JsonValueKind.Number)
        {
            // One token sequence.
            return (null, [Ids(input, field, vocabulary)]);
        }
        if (count > maxInputs)
        {
            throw new ApiError(413, $"{field}: {count} inputs are more than the server's limit of {maxInputs} per request (--max-client-batch-size); split the request.",
                field, "too_many_inputs");
        }
        if (first.ValueKind == JsonValueKind.String)
        {
            var texts = new List<string>(count);
            int i = 0;
            foreach (var item in input.EnumerateArray())
            {
                texts.Add(item.ValueKind == JsonValueKind.String
                    ? NonEmpty(item.GetString()!, $"{field}[{i}]")
                    : throw ApiError.Invalid($"{field}[{i}]", $"must be a string like the other inputs, not {Kind(item)}."));
                i++;
            }
            return (texts, null);
        }
        if (first.ValueKind == JsonValueKind.Array)
        {
            var rows = new List<int[]>(count);
            int i = 0;
            foreach (var item in input.EnumerateArray())
            {
                rows.Add(item.ValueKind == JsonValueKind.Array
                    ? Ids(item, $"{field}[{i}]", vocabulary)
                    : throw ApiError.Invalid($"{field}[{i}]", $"must be an array of token ids like the other inputs, not {Kind(item)}."));
                i++;
            }
            return (null, rows);
        }
        throw ApiError.Invalid($"{field}[0]", $"must be a string, a token id or an array of token ids, not {Kind(first)}.");
    }

    private static string NonEmpty(string text, string field) =>
        text.Length > 0 ? text : throw ApiError.Empty(field, "is an empty string.");

    public static int[] Ids(JsonElement array, string field, int vocabulary)
    {
        int count = array.GetArrayLength();
        if (count == 0)
        {
            throw ApiError.Empty(field, "is an empty token sequence.");
        }
        var ids = new int[count];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out int id))
            {
                throw ApiError.Invalid($"{field}[{i}]", $"must be an integer token id, not {Kind(item)}.");
            }
            if (id < 0 || id >= vocabulary)
            {
                throw ApiError.Invalid($"{field}[{i}]", $"token id {id} is outside the model's vocabulary [0, {vocabulary}).");
            }
            ids[i++] = id;
        }
        return ids;
    }
}
