using System.Text.Json.Serialization;

namespace Manabi.Vectors.Search;

/// <summary>Source-generated JSON metadata for the index's texts, so the package stays trimming- and AOT-safe.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class IndexJsonContext : JsonSerializerContext;
