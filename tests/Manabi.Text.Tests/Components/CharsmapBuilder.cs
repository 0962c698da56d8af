using System.Buffers.Binary;
using System.Text;

namespace Manabi.Text.Tests.Components;

/// <summary>
/// Builds a SentencePiece <c>precompiled_charsmap</c> from rewrite rules, in the format spm_precompiled reads: a
/// little-endian u32 byte size of the trie, the double-array units, then the NUL-terminated replacements. Written for
/// the tests so that HF and Manabi read the same blob without shipping one from a model.
/// </summary>
internal static class CharsmapBuilder
{
    private sealed class Node
    {
        public SortedDictionary<byte, Node> Children { get; } = [];
        public int? Value { get; set; }
    }

    public static byte[] Build(IReadOnlyDictionary<string, string> rules)
    {
        var root = new Node();
        var strings = new MemoryStream();
        var offsets = new Dictionary<string, int>();
        foreach (var (key, value) in rules.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (!offsets.TryGetValue(value, out int offset))
            {
                offset = (int)strings.Length;
                offsets[value] = offset;
                strings.Write(Encoding.UTF8.GetBytes(value));
                strings.WriteByte(0);
            }
            Node node = root;
            foreach (byte b in Encoding.UTF8.GetBytes(key))
            {
                if (!node.Children.TryGetValue(b, out Node? child))
                {
                    child = new Node();
                    node.Children[b] = child;
                }
                node = child;
            }
            node.Value = offset;
        }

        var units = new List<uint> { 0 };
        var used = new List<bool> { true };
        void Ensure(int index)
        {
            while (units.Count <= index)
            {
                units.Add(0);
                used.Add(false);
            }
        }
        bool Free(int index) => index >= used.Count || !used[index];

        // Breadth first: each node gets a base where its children's slots (base ^ label) and, for a key's end, its
        // value slot (base ^ 0) are free; the node's own unit stores base ^ position as its offset.
        var queue = new Queue<(Node Node, int Position)>();
        queue.Enqueue((root, 0));
        while (queue.Count > 0)
        {
            var (node, position) = queue.Dequeue();
            int b = 1;
            while (b == position || (node.Value is not null && !Free(b)) || node.Children.Keys.Any(c => !Free(b ^ c)))
            {
                b++;
            }
            int offset = b ^ position;
            if (offset >= 1 << 21)
            {
                throw new InvalidOperationException("charsmap too large for the simple offset encoding");
            }
            // Every base ^ byte must stay inside the array, as darts-clone's 256-unit blocks guarantee (readers do not check).
            Ensure(b | 0xFF);
            Ensure(position);
            uint label = units[position] & 0xFF;
            units[position] = ((uint)offset << 10) | (node.Value is not null ? 1u << 8 : 0) | label;
            if (node.Value is { } value)
            {
                Ensure(b);
                units[b] = (1u << 31) | (uint)value;
                used[b] = true;
            }
            foreach (var (c, child) in node.Children)
            {
                Ensure(b ^ c);
                units[b ^ c] = c;
                used[b ^ c] = true;
                queue.Enqueue((child, b ^ c));
            }
        }

        var blob = new byte[4 + (units.Count * 4) + strings.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(blob, (uint)(units.Count * 4));
        for (int i = 0; i < units.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4 + (4 * i)), units[i]);
        }
        strings.ToArray().CopyTo(blob, 4 + (units.Count * 4));
        return blob;
    }

    /// <summary>
    /// Rules in the spirit of SentencePiece's nmt_nfkc: compatibility folds, deletions, expansions, a whole-grapheme
    /// key (e + combining acute), and a key ("x") that is a prefix of another ("xy") and of graphemes ("x" + mark).
    /// </summary>
    public static Dictionary<string, string> TestRules()
    {
        var rules = new Dictionary<string, string>
        {
            ["\uFB01"] = "fi", ["\uFB02"] = "fl", ["\u3000"] = " ", ["\u00A0"] = " ", ["\u200B"] = "", ["\u200D"] = "",
            ["\u2460"] = "1", ["\u2461"] = "2", ["\u337F"] = "株式会社", ["\u212B"] = "\u00C5", ["e\u0301"] = "\u00E9",
            ["\u00BD"] = "1\u20442", ["x"] = "ks", ["xy"] = "Z", ["\t"] = " ", ["\n"] = " ", ["ｶﾞ"] = "ガ", ["\uFF9E"] = "\u3099",
            ["\uD83D\uDC4D"] = ":+1:", ["\u0041\u030A"] = "\u00C5", ["\u1100\u1161"] = "\uAC00", ["…"] = "...", ["ß"] = "ss",
        };
        for (char c = 'Ａ'; c <= 'Ｚ'; c++)
        {
            rules[c.ToString()] = ((char)('A' + (c - 'Ａ'))).ToString();
        }
        for (char c = 'ａ'; c <= 'ｚ'; c++)
        {
            rules[c.ToString()] = ((char)('a' + (c - 'ａ'))).ToString();
        }
        for (char c = '０'; c <= '９'; c++)
        {
            rules[c.ToString()] = ((char)('0' + (c - '０'))).ToString();
        }
        return rules;
    }
}
