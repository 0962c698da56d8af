using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Manabi.Serving;

/// <summary>What one request did and how long each stage took: the TEI timing headers, the metrics and the log line.</summary>
internal sealed class RequestTrace
{
    public long Start { get; } = Stopwatch.GetTimestamp();

    public string? Model { get; set; }

    public int Inputs { get; set; }

    public int Tokens { get; set; }

    public double TokenizeMs { get; set; }

    public double QueueMs { get; set; }

    public double InferenceMs { get; set; }

    public double TotalMs => Stopwatch.GetElapsedTime(Start).TotalMilliseconds;

    /// <summary>TEI's <c>x-*-time</c> headers (milliseconds), set before the body is written.</summary>
    public void WriteHeaders(HttpResponse response)
    {
        static string Ms(double value) => ((long)Math.Round(value)).ToString(CultureInfo.InvariantCulture);
        response.Headers["x-tokenization-time"] = Ms(TokenizeMs);
        response.Headers["x-queue-time"] = Ms(QueueMs);
        response.Headers["x-inference-time"] = Ms(InferenceMs);
        response.Headers["x-total-time"] = Ms(TotalMs);
        if (Model is not null)
        {
            response.Headers["x-model-id"] = Model;
        }
    }
}
