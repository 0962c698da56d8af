namespace Manabi.Serving;

/// <summary>The API family a route belongs to, which decides the shape of its errors.</summary>
internal enum ApiFamily
{
    OpenAi,
    Tei,
}

/// <summary>
/// A request the server refuses: thrown anywhere in a handler and written by <see cref="ServerRoutes"/> in the
/// route's error shape (OpenAI <c>{"error":{"message","type","param","code"}}</c> or TEI <c>{"error","error_type"}</c>).
/// </summary>
internal sealed class ApiError(int status, string message, string? param = null, string? code = null) : Exception(message)
{
    public int Status { get; } = status;

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    /// <summary>Seconds for <c>Retry-After</c> (429 and 503).</summary>
    public int? RetryAfter { get; init; }

    /// <summary>OpenAI's <c>error.type</c>.</summary>
    public string OpenAiType => Status switch
    {
        401 => "authentication_error",
        404 => "invalid_request_error",
        429 => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    /// <summary>TEI's <c>error_type</c>.</summary>
    public string TeiType => Code switch
    {
        "empty" => "Empty",
        _ => Status switch
        {
            401 => "Unauthorized",
            404 => "NotFound",
            429 => "Overloaded",
            503 => "Unhealthy",
            >= 500 => "Backend",
            _ => "Validation",
        },
    };

    public static ApiError Invalid(string param, string message) => new(422, $"{param}: {message}", param, "invalid_value");

    public static ApiError Empty(string param, string message) => new(422, $"{param}: {message}", param, "empty");
}
