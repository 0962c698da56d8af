using System.Text;

namespace Manabi.Text;

/// <summary>
/// HF's ByteLevel decoder: maps each token's characters back to the bytes they stand for (a token with a
/// character outside the byte alphabet contributes its own UTF-8 instead), joins all the bytes and decodes
/// them as UTF-8, invalid sequences becoming U+FFFD. Yields a single string.
/// </summary>
public sealed class ByteLevelDecoder : ITokenDecoder
{
    /// <summary>Creates the decoder; the settings only travel with tokenizer.json (HF's ByteLevel has one set for all roles).</summary>
    public ByteLevelDecoder(bool addPrefixSpace = true, bool trimOffsets = true, bool useRegex = true)
    {
        AddPrefixSpace = addPrefixSpace;
        TrimOffsets = trimOffsets;
        UseRegex = useRegex;
    }

    /// <summary>The shared instance with HF's defaults.</summary>
    public static ByteLevelDecoder Instance { get; } = new();

    /// <summary>The pre-tokenizer's add_prefix_space setting (unused when decoding).</summary>
    public bool AddPrefixSpace { get; }

    /// <summary>The trim_offsets setting (unused when decoding).</summary>
    public bool TrimOffsets { get; }

    /// <summary>The use_regex setting (unused when decoding).</summary>
    public bool UseRegex { get; }

    /// <inheritdoc/>
    public void DecodeChain(List<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var bytes = new List<byte>();
        foreach (string token in tokens)
        {
            int before = bytes.Count;
            bool mapped = true;
            for (int i = 0; i < token.Length; i++)
            {
                int b = ByteLevelMapping.CharToByte(token[i]);
                if (b < 0)
                {
                    mapped = false;
                    break;
                }
                bytes.Add((byte)b);
            }
            if (!mapped)
            {
                bytes.RemoveRange(before, bytes.Count - before);
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
            }
        }
        tokens.Clear();
        // .NET's decoder replaces each maximal invalid subpart with one U+FFFD, as Rust's from_utf8_lossy does.
        tokens.Add(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)));
    }
}
