namespace Manabi.Vectors;

/// <summary>
/// English prefixes and suffixes stripped as a last resort when matching out-of-vocabulary keys (the word lists
/// Magnitude uses, each also with a hyphen), longest first.
/// </summary>
internal static class EnglishAffixes
{
    private static readonly string[] PrefixWords =
    [
        "counter", "electro", "circum", "contra", "contro", "crypto", "deuter", "franco", "hetero", "megalo", "preter",
        "pseudo", "after", "under", "amphi", "anglo", "astro", "extra", "hydro", "hyper", "infra", "inter", "intra",
        "micro", "multi", "ortho", "paleo", "photo", "proto", "quasi", "retro", "socio", "super", "supra", "trans",
        "ultra", "anti", "back", "down", "fore", "hind", "midi", "mini", "over", "post", "self", "step", "with",
        "afro", "ambi", "ante", "arch", "auto", "cryo", "demi", "demo", "euro", "gyro", "hemi", "homo", "hypo",
        "ideo", "idio", "indo", "macr", "maxi", "mega", "meta", "mono", "mult", "omni", "para", "peri", "pleo",
        "poly", "pros", "pyro", "semi", "tele", "vice", "dis", "mid", "mis", "off", "out", "pre", "pro", "twi",
        "ana", "apo", "bio", "cis", "con", "com", "col", "cor", "dia", "dif", "duo", "eco", "epi", "geo", "im ",
        "iso", "mal", "mon", "neo", "non", "pan", "ped", "per", "pod", "sub", "sup", "sur", "syn", "syl", "sym",
        "tri", "uni", "be", "by", "co", "de", "en", "em", "ex", "on", "re", "un", "up", "an", "ap", "bi", "di",
        "du", "el", "ep", "in", "il", "ir", "sy", "a",
    ];

    private static readonly string[] SuffixWords =
    [
        "ification", "ologist", "ology", "able", "ible", "hood", "ness", "less", "ment", "tion", "logy", "like",
        "ise", "ize", "ful", "ess", "ism", "ist", "ish", "ity", "ant", "oid", "ory", "ing", "fy", "ly", "al",
    ];

    // Stable sort by length, longest first; the hyphenated form precedes the plain one of equal length.
    private static readonly string[] Prefixes =
        [.. PrefixWords.SelectMany(p => new[] { p + "-", p }).Select((p, i) => (p, i)).OrderByDescending(x => x.p.Length).ThenBy(x => x.i).Select(x => x.p)];

    private static readonly string[] Suffixes =
        [.. SuffixWords.SelectMany(s => new[] { "-" + s, s }).Select((s, i) => (s, i)).OrderByDescending(x => x.s.Length).ThenBy(x => x.i).Select(x => x.s)];

    /// <summary>Strips the longer of the longest matching prefix or suffix, repeatedly, keeping at least 4 characters.</summary>
    public static string Stem(string key)
    {
        while (true)
        {
            string lower = key.ToLowerInvariant();
            int start = 0, end = 0;
            foreach (string p in Prefixes)
            {
                if (lower.StartsWith(p, StringComparison.Ordinal))
                {
                    start = p.Length;
                    break;
                }
            }
            foreach (string s in Suffixes)
            {
                if (lower.EndsWith(s, StringComparison.Ordinal))
                {
                    end = s.Length;
                    break;
                }
            }
            if (start < end)
            {
                start = 0;
            }
            else if (end < start)
            {
                end = 0;
            }
            if (start + end >= key.Length)
            {
                return key;
            }
            string stripped = key[start..^end];
            if (stripped.Length < 4 || stripped == key)
            {
                return key;
            }
            key = stripped;
        }
    }
}
