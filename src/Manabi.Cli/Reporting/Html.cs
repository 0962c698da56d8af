using System.Net;

namespace Manabi.Cli.Reporting;

/// <summary>HTML helpers for the report writer.</summary>
public static class Html
{
    /// <summary>Escapes text for use in element content and quoted attribute values.</summary>
    public static string Escape(string? text) => WebUtility.HtmlEncode(text ?? "");
}
