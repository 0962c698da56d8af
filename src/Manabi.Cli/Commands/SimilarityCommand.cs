using System.CommandLine;
using Manabi.Cli.Output;
using Manabi.Vectors.Search;

namespace Manabi.Cli.Commands;

/// <summary><c>manabi similarity "a" "b"</c>: the cosine similarity of two texts' sentence embeddings.</summary>
public static class SimilarityCommand
{
    /// <summary>Builds the <c>similarity</c> command.</summary>
    public static Command Create()
    {
        var first = new Argument<string>("text-a") { Description = "The first text." };
        var second = new Argument<string>("text-b") { Description = "The second text." };
        var modelOption = new Option<string?>("--model") { Description = SentenceModels.ModelHelp };
        var command = new Command("similarity", "Prints the cosine similarity of two texts' sentence embeddings (a number in [-1, 1]).")
        {
            first, second, modelOption,
        };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            using var model = SentenceModels.Load(parseResult.GetValue(modelOption));
            var vectors = model.Encode([parseResult.GetValue(first)!, parseResult.GetValue(second)!]).Vectors;
            output.WriteLine(NumberFormat.Plain(EmbeddingSimilarity.Score(vectors[0], vectors[1])));
            return ExitCodes.Success;
        }));
        return command;
    }
}
