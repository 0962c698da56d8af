using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Manabi.SentenceTransformers.Models.Bert;

/// <summary>Word, position and token-type embeddings, summed and layer-normalised (HF <c>BertEmbeddings</c>).</summary>
public sealed class BertEmbeddings : nn.Module<Tensor, Tensor?, Tensor>
{
#pragma warning disable IDE1006 // Field names are the state_dict keys of HF BertModel.
    private readonly EmbeddingTable word_embeddings;
    private readonly EmbeddingTable position_embeddings;
    private readonly EmbeddingTable token_type_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    /// <summary>Creates freshly initialised embeddings for <paramref name="config"/>.</summary>
    public BertEmbeddings(BertConfig config) : base(nameof(BertEmbeddings))
    {
        ArgumentNullException.ThrowIfNull(config);
        word_embeddings = new EmbeddingTable(config.VocabSize, config.HiddenSize, config.PadTokenId);
        position_embeddings = new EmbeddingTable(config.MaxPositionEmbeddings, config.HiddenSize);
        token_type_embeddings = new EmbeddingTable(config.TypeVocabSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>Embeds <c>[batch, tokens]</c> ids (positions 0..tokens-1; token types 0 when null) into <c>[batch, tokens, hidden]</c>.</summary>
    public override Tensor forward(Tensor inputIds, Tensor? tokenTypeIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        long length = inputIds.shape[1];
        using var scope = NewDisposeScope();
        using var positions = arange(length, dtype: ScalarType.Int64, device: inputIds.device);
        var sum = word_embeddings.forward(inputIds).add_(position_embeddings.forward(positions));
        if (tokenTypeIds is null)
        {
            // All token types are 0: add row 0 of the table, broadcast, without building a zero id matrix.
            sum.add_(token_type_embeddings.Weight[0]);
        }
        else
        {
            sum.add_(token_type_embeddings.forward(tokenTypeIds));
        }
        return dropout.forward(LayerNorm.forward(sum)).MoveToOuterDisposeScope();
    }
}
