namespace Manabi.Text.Tests.Pipeline;

/// <summary>
/// NormalizedText against HF's NormalizedString (the expectations of tokenizers/src/tokenizer/normalizer.rs's tests,
/// with UTF-16 units where HF counts bytes).
/// </summary>
public class NormalizedTextTests
{
    private static (int, int)[] Alignments(NormalizedText n) => n.Alignments.ToArray();

    // NFD of "élégant" as HF's unicode-normalization-alignments reports it: each accent inserted after its letter.
    private static NormalizedText NfdElegant()
    {
        var n = new NormalizedText("élégant");
        n.Transform([('e', 0), (0x301, 1), ('l', 0), ('e', 0), (0x301, 1), ('g', 0), ('a', 0), ('n', 0), ('t', 0)]);
        return n;
    }

    [Fact]
    public void Decomposition_aligns_the_added_accents_to_their_letter()
    {
        var n = NfdElegant();
        Assert.Equal("e\u0301le\u0301gant", n.Normalized);
        Assert.Equal([(0, 1), (0, 1), (1, 2), (2, 3), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)], Alignments(n));
    }

    [Fact]
    public void Filtering_the_marks_after_decomposition_keeps_one_unit_per_letter()
    {
        var n = NfdElegant();
        n.Filter(c => c != 0x301);
        Assert.Equal("elegant", n.Normalized);
        Assert.Equal([(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)], Alignments(n));
    }

    [Fact]
    public void Removing_a_character_leaves_a_gap_in_the_alignments()
    {
        var n = new NormalizedText("élégant");
        n.Filter(c => c != 'n');
        Assert.Equal("élégat", n.Normalized);
        Assert.Equal([(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (6, 7)], Alignments(n));
    }

    [Fact]
    public void Astral_characters_have_two_units_aligned_to_the_whole_pair()
    {
        var n = new NormalizedText("a😀b");
        Assert.Equal([(0, 1), (1, 3), (1, 3), (3, 4)], Alignments(n));
        n.Filter(c => c != 'a');
        Assert.Equal([(1, 3), (1, 3), (3, 4)], Alignments(n));
        // A range inside the pair still maps to the whole character.
        Assert.Equal((1, 3), n.ConvertOffsets(0, 1, OffsetReferential.Normalized));
    }

    [Fact]
    public void Range_conversion_follows_HF_including_empty_and_out_of_range()
    {
        var n = new NormalizedText("    __Hello__   ");
        n.Filter(c => c != ' ');
        n.Lowercase();
        Assert.Equal("__hello__", n.Normalized);
        Assert.Equal((2, 7), n.ConvertOffsets(6, 11, OffsetReferential.Original));
        Assert.Equal("hello", n.GetRange(2, 7, OffsetReferential.Normalized));
        Assert.Equal("Hello", n.GetRangeOriginal(2, 7, OffsetReferential.Normalized));
        Assert.Equal("hello", n.GetRange(6, 11, OffsetReferential.Original));
        Assert.Equal("Hello", n.GetRangeOriginal(6, 11, OffsetReferential.Original));
        Assert.Equal((0, 0), n.ConvertOffsets(0, 0, OffsetReferential.Original));
        Assert.Equal((3, 3), n.ConvertOffsets(3, 3, OffsetReferential.Original));
        Assert.Equal((9, 9), n.ConvertOffsets(15, 16, OffsetReferential.Original));
        Assert.Equal((16, 16), n.ConvertOffsets(16, 16, OffsetReferential.Original));
        Assert.Null(n.ConvertOffsets(17, 16, OffsetReferential.Original));
        Assert.Equal((3, 3), n.ConvertOffsets(3, 3, OffsetReferential.Normalized));
        Assert.Equal((9, 9), n.ConvertOffsets(9, 9, OffsetReferential.Normalized));
        Assert.Null(n.ConvertOffsets(10, 9, OffsetReferential.Normalized));
        Assert.Null(n.ConvertOffsets(8, 10, OffsetReferential.Normalized));
    }

    [Fact]
    public void Lowercasing_dotted_capital_I_inserts_a_combining_dot_aligned_to_it()
    {
        var n = new NormalizedText("Aİb");
        n.Lowercase();
        Assert.Equal("ai\u0307b", n.Normalized);
        Assert.Equal([(0, 1), (1, 2), (1, 2), (2, 3)], Alignments(n));
        Assert.Equal((1, 2), n.ConvertOffsets(2, 3, OffsetReferential.Normalized));
    }

    [Fact]
    public void Uppercasing_uses_full_mappings()
    {
        var n = new NormalizedText("straße ﬁ ı");
        n.Uppercase();
        Assert.Equal("STRASSE FI I", n.Normalized);
        Assert.Equal((4, 5), n.ConvertOffsets(4, 6, OffsetReferential.Normalized));
    }

    [Fact]
    public void Added_characters_around_the_edges_map_back_to_the_word()
    {
        var n = new NormalizedText("Hello");
        n.Transform([(' ', 1), ('H', 0), ('e', 0), ('l', 0), ('l', 0), ('o', 0), (' ', 1)]);
        Assert.Equal(" Hello ", n.Normalized);
        Assert.Equal("Hello", n.GetRangeOriginal(1, 6, OffsetReferential.Normalized));
    }

    [Fact]
    public void Characters_added_around_CJK_take_its_alignment()
    {
        var n = new NormalizedText("野口 No");
        var changes = new List<(int, int)>();
        foreach (var c in n.Normalized)
        {
            if (c > 0x4E00)
            {
                changes.AddRange([(' ', 0), (c, 1), (' ', 1)]);
            }
            else
            {
                changes.Add((c, 0));
            }
        }
        n.Transform(changes.ToArray());
        Assert.Equal(" 野  口  No", n.Normalized);
        Assert.Equal([(0, 1), (0, 1), (0, 1), (1, 2), (1, 2), (1, 2), (2, 3), (3, 4), (4, 5)], Alignments(n));
    }

    [Theory]
    [InlineData("     Hello", 1, 5, "ello")]
    [InlineData("     Hello", 0, 5, "Hello")]
    [InlineData("Hello    ", 0, 4, "Hell")]
    [InlineData("Hello    ", 0, 5, "Hello")]
    [InlineData("  Hello  ", 1, 4, "ell")]
    public void Removals_at_the_edges(string text, int start, int end, string original)
    {
        var n = new NormalizedText(text);
        n.Filter(c => c != ' ');
        Assert.Equal(original, n.GetRangeOriginal(start, end, OffsetReferential.Normalized));
    }

    [Fact]
    public void Strip_variants()
    {
        var n = new NormalizedText("  This is an example  ");
        n.LStrip();
        Assert.Equal("This is an example  ", n.Normalized);
        Assert.Equal("This is an example  ", n.GetRangeOriginal(0, n.Length, OffsetReferential.Normalized));
        n = new NormalizedText("  This is an example  ");
        n.RStrip();
        Assert.Equal("  This is an example", n.GetRangeOriginal(0, n.Length, OffsetReferential.Normalized));
        n = new NormalizedText("  你好asa \n");
        n.Strip();
        Assert.Equal("你好asa", n.Normalized);
        Assert.Equal("你好asa", n.GetRangeOriginal(0, n.Length, OffsetReferential.Normalized));
        n = new NormalizedText("\u00A0\u2028x\u0085");
        n.Strip();
        Assert.Equal("x", n.Normalized);
        Assert.Equal([(2, 3)], Alignments(n));
    }

    [Fact]
    public void Prepend_and_append_align_to_the_neighbouring_character()
    {
        var n = new NormalizedText("there");
        n.Prepend("Hey ");
        Assert.Equal("Hey there", n.Normalized);
        Assert.Equal([(0, 1), (0, 1), (0, 1), (0, 1), (0, 1), (1, 2), (2, 3), (3, 4), (4, 5)], Alignments(n));
        Assert.Equal((0, 1), n.ConvertOffsets(0, 4, OffsetReferential.Normalized));

        n = new NormalizedText("Hey");
        n.Append(" there");
        Assert.Equal("Hey there", n.Normalized);
        Assert.Equal([(0, 1), (1, 2), (2, 3), (2, 3), (2, 3), (2, 3), (2, 3), (2, 3), (2, 3)], Alignments(n));
        Assert.Equal((2, 3), n.ConvertOffsets(3, 9, OffsetReferential.Normalized));
    }

    [Fact]
    public void Prepend_on_empty_text_does_nothing_and_append_aligns_to_nothing()
    {
        var n = new NormalizedText("");
        n.Prepend("▁");
        Assert.Equal("", n.Normalized);
        n.Append("ab");
        Assert.Equal("ab", n.Normalized);
        Assert.Equal([(0, 0), (0, 0)], Alignments(n));
    }

    [Fact]
    public void Slice_keeps_alignments_and_the_shift_into_the_whole_input()
    {
        var s = new NormalizedText("   Good Morning!   ");
        s.Strip();
        var slice = s.Slice(0, s.Original.Length, OffsetReferential.Original)!;
        Assert.Equal("Good", slice.GetRangeOriginal(0, 4, OffsetReferential.Normalized));
        slice = s.Slice(0, s.Length, OffsetReferential.Normalized)!;
        Assert.Equal("Good", slice.GetRangeOriginal(0, 4, OffsetReferential.Normalized));
        slice = s.Slice(4, 15, OffsetReferential.Original)!;
        Assert.Equal("ood", slice.GetRangeOriginal(0, 3, OffsetReferential.Normalized));
        Assert.Equal((4, 15), slice.OriginalOffsets);
        slice = s.Slice(3, 16, OffsetReferential.Original)!;
        Assert.Equal("Good", slice.GetRangeOriginal(0, 4, OffsetReferential.Normalized));

        var nested = slice.Slice(5, 12, OffsetReferential.Normalized)!;
        Assert.Equal("Morning", nested.Normalized);
        Assert.Equal((8, 15), nested.OriginalOffsets);
        Assert.Null(new NormalizedText("a😀").Slice(0, 2, OffsetReferential.Normalized));
    }

    [Fact]
    public void Replace_literals_left_to_right_without_overlap()
    {
        var s = new NormalizedText(" Hello   friend ");
        s.Replace(" ", "_");
        Assert.Equal("_Hello___friend_", s.Normalized);
        s = new NormalizedText("aaaab");
        s.Replace("aaa", "b");
        Assert.Equal("bab", s.Normalized);
        Assert.Equal([(2, 3), (3, 4), (4, 5)], Alignments(s));
        s = new NormalizedText("ab");
        s.Replace("", "x");
        Assert.Equal("ab", s.Normalized);
    }

    [Theory]
    [InlineData(SplitDelimiterBehavior.Removed, "The|final|countdown")]
    [InlineData(SplitDelimiterBehavior.Isolated, "The|-|final|-|-|countdown")]
    [InlineData(SplitDelimiterBehavior.MergedWithPrevious, "The-|final-|-|countdown")]
    [InlineData(SplitDelimiterBehavior.MergedWithNext, "The|-final|-|-countdown")]
    [InlineData(SplitDelimiterBehavior.Contiguous, "The|-|final|--|countdown")]
    public void Split_behaviours(SplitDelimiterBehavior behavior, string expected)
    {
        var s = new NormalizedText("The-final--countdown");
        var pieces = s.Split(CharPredicatePattern.Char('-'), behavior);
        Assert.Equal(expected, string.Join("|", pieces.Select(p => p.Normalized)));
        foreach (var piece in pieces)
        {
            Assert.Equal(piece.Normalized, s.Original[piece.OriginalOffsets.Start..piece.OriginalOffsets.End]);
        }
    }

    [Fact]
    public void Split_pieces_report_original_offsets_after_normalization()
    {
        var s = new NormalizedText("ÀB-cd");
        s.Transform([('A', 0), (0x300, 1), ('B', 0), ('-', 0), ('c', 0), ('d', 0)]);
        s.Lowercase();
        var pieces = s.Split(new LiteralPattern("-"), SplitDelimiterBehavior.Removed);
        Assert.Equal(["a\u0300b", "cd"], pieces.Select(p => p.Normalized));
        Assert.Equal([(0, 2), (3, 5)], pieces.Select(p => p.OriginalOffsets));
        Assert.Equal("ÀB", pieces[0].Original);
        Assert.Equal((0, 1), pieces[0].ConvertOffsets(0, 2, OffsetReferential.Normalized));
    }

    [Fact]
    public void Transform_range_removing_at_the_beginning_middle_and_end()
    {
        var s = new NormalizedText("Hello friend");
        s.TransformRange(0, 4, OffsetReferential.Original, [('Y', 0)], 3);
        Assert.Equal("Yo friend", s.Normalized);
        Assert.Equal([(3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11), (11, 12)], Alignments(s));

        s = new NormalizedText("Hello friend");
        s.TransformRange(3, 10, OffsetReferential.Original, [('_', 0), ('F', 0), ('R', -2)], 2);
        Assert.Equal("Hel_FRnd", s.Normalized);
        Assert.Equal([(0, 1), (1, 2), (2, 3), (5, 6), (6, 7), (7, 8), (10, 11), (11, 12)], Alignments(s));

        s = new NormalizedText("Hello friend");
        s.TransformRange(5, 12, OffsetReferential.Original, [('_', 0), ('F', -5)]);
        Assert.Equal("Hello_F", s.Normalized);
        Assert.Equal([(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)], Alignments(s));
    }

    [Fact]
    public void Transform_range_adding_at_the_beginning()
    {
        var s = new NormalizedText("Hello friend");
        s.TransformRange(0, 1, OffsetReferential.Original, [('H', 1), ('H', 0)]);
        Assert.Equal("HHello friend", s.Normalized);
        Assert.Equal((0, 0), s.Alignments[0]);
        Assert.Equal((0, 1), s.Alignments[1]);

        s = new NormalizedText("Hello friend");
        s.TransformRange(0, 0, OffsetReferential.Original, [('H', 1)]);
        Assert.Equal("HHello friend", s.Normalized);
        Assert.Equal((0, 0), s.Alignments[0]);
    }

    [Fact]
    public void Clear_empties_and_reports_the_length()
    {
        var s = new NormalizedText("abc😀");
        Assert.Equal(5, s.Clear());
        Assert.True(s.IsEmpty);
        Assert.Equal("abc😀", s.Original);
    }

    [Fact]
    public void Filtering_everything_empties_the_text()
    {
        var s = new NormalizedText("   ");
        s.Filter(c => c != ' ');
        Assert.True(s.IsEmpty);
        Assert.Null(s.ConvertOffsets(0, 1, OffsetReferential.Normalized));
    }

    [Fact]
    public void Lone_surrogates_are_one_unit_each_and_do_not_crash()
    {
        var s = new NormalizedText("a\uD800b\uDC00");
        s.Lowercase();
        s.Uppercase();
        Assert.Equal("A\uD800B\uDC00", s.Normalized);
        var pieces = s.Split(CharPredicatePattern.Char(0xD800), SplitDelimiterBehavior.Isolated);
        Assert.Equal(3, pieces.Count);
    }

    private sealed class ReentrantPattern : ISplitPattern
    {
        public void FindMatches(ReadOnlySpan<char> text, List<(int Start, int End, bool IsMatch)> output)
        {
            // A pattern that splits another text on the same thread while the outer split is under way.
            var inner = new NormalizedText("x-y-z").Split(CharPredicatePattern.Char('-'), SplitDelimiterBehavior.Removed);
            Assert.Equal(3, inner.Count);
            CharPredicatePattern.Char(' ').FindMatches(text, output);
        }
    }

    [Fact]
    public void A_pattern_may_split_other_texts_while_it_runs()
    {
        var pieces = new NormalizedText("a b c").Split(new ReentrantPattern(), SplitDelimiterBehavior.Removed);
        Assert.Equal(["a", "b", "c"], pieces.Select(p => p.Normalized));
        var text = new NormalizedText("a b");
        text.Filter(c => new NormalizedText("q").Split(new LiteralPattern("q"), SplitDelimiterBehavior.Isolated).Count == 1 && c != ' ');
        Assert.Equal("ab", text.Normalized);
    }
}
