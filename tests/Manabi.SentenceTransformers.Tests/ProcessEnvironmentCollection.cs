namespace Manabi.SentenceTransformers.Tests;

/// <summary>Tests that change process-wide environment variables; they run with no other test beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process environment";
}
