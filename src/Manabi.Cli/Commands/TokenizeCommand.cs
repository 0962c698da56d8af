using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Manabi.Cli.Data;
using Manabi.Text;

namespace Manabi.Cli.Commands;

/// <summary>
/// <c>manabi tokenize</c>: encodes texts from a <c>.jsonl</c> or <c>.txt</c> file with any Hugging Face tokenizer
/// (BPE, Unigram, WordLevel, WordPiece; HF parity) and writes one JSON object per input to a <c>.jsonl</c> file;
/// <c>manabi tokenize count</c> prints the token count of a file.
/// </summary>
public static class TokenizeCommand
{
    /// <summary>Inputs encoded together with the batch API; bounds memory on large files.</summary>
    public const int ChunkSize = 4096;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Tokens such as "日" or "##é" stay readable; the output is data, not HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>Builds the <c>tokenize</c> command.</summary>
    public static Command Create()
    {
        var vocabOption = new Option<string?>("--vocab") { Description = "BERT vocab.txt (one token a line; a tokenizer_config.json beside it is honoured)." };
        var tokenizerOption = new Option<string?>("--tokenizer")
        {
            Description = "Hugging Face tokenizer.json (any model), a folder holding one, or a tiktoken encoding name (" +
                string.Join(", ", TokenizerSources.TiktokenEncodings) + ").",
        };
        var casedOption = new Option<bool>("--cased") { Description = "BERT WordPiece only: keep case and accents (lowercase off, accent stripping off)." };
        var maxLengthOption = new Option<int?>("--max-length") { Description = "Truncate each encoding to N tokens, special tokens included." };
        var truncationOption = new Option<string>("--truncation")
        {
            Description = "With --max-length: which text of a pair is shortened: longest_first (default), only_first or only_second.",
            DefaultValueFactory = _ => "longest_first",
        };
        truncationOption.AcceptOnlyFromAmong("longest_first", "only_first", "only_second");
        var strideOption = new Option<int>("--stride") { Description = "With --max-length: HF's stride (overlap of overflowing windows; only the first window is written)." };
        var paddingOption = new Option<string?>("--padding") { Description = "Pad every encoding to the longest in the input file ('longest') or to N tokens." };
        var noSpecialOption = new Option<bool>("--no-special-tokens") { Description = "Do not add the special tokens (such as [CLS] and [SEP]) that the tokenizer's post-processor adds by default." };
        var inputOption = new Option<string>("--input")
        {
            Description = "Texts: .jsonl with {\"text\": ...} or {\"text\": ..., \"text_pair\": ...} per line, or .txt with one text a line.",
            Required = true,
        };
        var outputOption = new Option<string>("--output")
        {
            Description = "Output .jsonl, written atomically (no file at all on error).",
            Required = true,
        };

        var command = new Command("tokenize",
            "Tokenizes texts exactly as Hugging Face tokenizers' encode does, with any tokenizer.json. Writes one line per input, in order: " +
            "{\"ids\": [...], \"tokens\": [...], \"type_ids\": [...], \"attention_mask\": [...], \"offsets\": [[start, end], ...]} " +
            "with offsets in UTF-16 code units of the input text. Bad input exits 2 naming FILE:LINE.")
        {
            vocabOption, tokenizerOption, casedOption, maxLengthOption, truncationOption, strideOption, paddingOption,
            noSpecialOption, inputOption, outputOption,
        };
        command.Subcommands.Add(CreateCount());
        command.SetAction(CommandActions.GuardAsync((parseResult, output, cancellationToken) =>
        {
            Check.DistinctFiles(parseResult.GetValue(outputOption), "--output", (parseResult.GetValue(inputOption), "--input"),
                (parseResult.GetValue(vocabOption), "--vocab"), (parseResult.GetValue(tokenizerOption), "--tokenizer"));
            var tokenizer = LoadTokenizer(parseResult.GetValue(vocabOption), parseResult.GetValue(tokenizerOption), parseResult.GetValue(casedOption));
            var truncationResult = parseResult.GetResult(truncationOption);
            tokenizer = ApplyTruncation(tokenizer, parseResult.GetValue(maxLengthOption), parseResult.GetValue(truncationOption)!,
                parseResult.GetValue(strideOption), truncationResult is { Implicit: false } || parseResult.GetResult(strideOption) is { Implicit: false });
            tokenizer = ApplyPadding(tokenizer, parseResult.GetValue(paddingOption));
            bool addSpecialTokens = !parseResult.GetValue(noSpecialOption);
            string inputPath = parseResult.GetValue(inputOption)!;
            string outputPath = parseResult.GetValue(outputOption)!;
            int count = Run(tokenizer, inputPath, outputPath, addSpecialTokens, cancellationToken);
            output.WriteLine($"{count.ToString(CultureInfo.InvariantCulture)} encodings written to {outputPath}");
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    private static Command CreateCount()
    {
        var vocabOption = new Option<string?>("--vocab") { Description = "BERT vocab.txt (one token a line; a tokenizer_config.json beside it is honoured)." };
        var tokenizerOption = new Option<string?>("--tokenizer")
        {
            Description = "Hugging Face tokenizer.json (any model), a folder holding one, or a tiktoken encoding name (" +
                string.Join(", ", TokenizerSources.TiktokenEncodings) + ").",
        };
        var casedOption = new Option<bool>("--cased") { Description = "BERT WordPiece only: keep case and accents." };
        var inputOption = new Option<string>("--input") { Description = "A UTF-8 text file, counted as one text.", Required = true };
        var command = new Command("count",
            "Prints how many tokens the whole content of --input encodes to, read as one text (line breaks included) without " +
            "special tokens, truncation or padding: the figure an LLM context budget needs.")
        {
            vocabOption, tokenizerOption, casedOption, inputOption,
        };
        command.SetAction(CommandActions.GuardAsync(async (parseResult, output, cancellationToken) =>
        {
            var tokenizer = LoadTokenizer(parseResult.GetValue(vocabOption), parseResult.GetValue(tokenizerOption), parseResult.GetValue(casedOption));
            string inputPath = parseResult.GetValue(inputOption)!;
            string text = ReadWholeText(inputPath, "--input");
            cancellationToken.ThrowIfCancellationRequested();
            // One text cannot be counted in pieces (a split could fall inside a pre-token), and CountTokens does not
            // watch for cancellation: Ctrl+C stops the wait instead, and the process ends with the count. Nothing is
            // written, so nothing is left behind.
            var counting = Task.Run(() =>
            {
                try
                {
                    return tokenizer.CountTokens(text);
                }
                catch (Exception ex) when (IsEncodingFailure(ex))
                {
                    throw new InputException($"{inputPath}: the tokenizer cannot encode this text: {ex.Message}", ex);
                }
            }, CancellationToken.None);
            int count = await counting.WaitAsync(cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(count.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Reads a whole file as strict UTF-8 (a leading byte-order mark dropped).</summary>
    /// <exception cref="InputException">Missing, a folder, unreadable, or invalid UTF-8 (the message names FILE:LINE).</exception>
    public static string ReadWholeText(string path, string option)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new InputException($"{option}: {path} is a folder, not a text file.");
        }
        if (!File.Exists(path))
        {
            throw new InputException($"{option}: {path} does not exist.");
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{option}: {path}: cannot read the file: {ex.Message}", ex);
        }
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            span = span[3..];
        }
        var chars = new char[span.Length];
        var status = System.Text.Unicode.Utf8.ToUtf16(span, chars, out int read, out int written, replaceInvalidSequences: false);
        if (status != System.Buffers.OperationStatus.Done)
        {
            // Counting tokens of replacement characters would give a figure for text the file does not hold.
            int line = 1 + span[..read].Count((byte)'\n');
            throw new InputException($"{path}:{line}: invalid UTF-8 (byte 0x{span[read]:X2}); the file must be UTF-8 text.");
        }
        return new string(chars, 0, written);
    }

    /// <summary>
    /// Encodes every input of <paramref name="inputPath"/> in chunks and writes <paramref name="outputPath"/>
    /// atomically. Batch-longest padding pads to the longest encoding of the whole file, found in a first pass.
    /// Returns the number of encodings written.
    /// </summary>
    /// <exception cref="InputException">Unreadable input, or an input HF's truncation refuses.</exception>
    public static int Run(Tokenizer tokenizer, string inputPath, string outputPath, bool addSpecialTokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        // An unknown extension is refused before the batch-longest first pass, which would otherwise read the file first.
        _ = TextRecordReader.IsJsonLines(inputPath);
        if (tokenizer.Padding is { Strategy: PaddingStrategy.BatchLongest } longest)
        {
            var unpadded = tokenizer.WithPadding(null);
            int length = 0;
            foreach (var chunk in TextRecordReader.ReadChunks(inputPath, ChunkSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                length = Math.Max(length, EncodeChunk(unpadded, chunk, inputPath, addSpecialTokens, cancellationToken).Max(e => e.Length));
            }
            tokenizer = tokenizer.WithPadding(longest with { Strategy = PaddingStrategy.Fixed, Length = length });
        }
        int written = 0;
        AtomicFile.Write(outputPath, stream =>
        {
            // Not disposed: BufferedStream would close the temporary file before AtomicFile flushes it to disk.
            var buffered = new BufferedStream(stream, 1 << 16);
            using var json = new Utf8JsonWriter(buffered, WriterOptions);
            foreach (var chunk in TextRecordReader.ReadChunks(inputPath, ChunkSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var encoding in EncodeChunk(tokenizer, chunk, inputPath, addSpecialTokens, cancellationToken))
                {
                    WriteEncoding(json, encoding);
                    json.Flush();
                    buffered.WriteByte((byte)'\n');
                    json.Reset(buffered);
                    written++;
                }
            }
            buffered.Flush();
        }, "--output");
        return written;
    }

    private static IReadOnlyList<Manabi.Text.TokenEncoding> EncodeChunk(Tokenizer tokenizer, IReadOnlyList<TextRecord> chunk, string path,
        bool addSpecialTokens, CancellationToken cancellationToken)
    {
        try
        {
            // Cancelled between texts, not only between chunks: a chunk of long texts takes a while.
            return tokenizer.EncodeBatch([.. chunk.Select(r => (r.Text, r.Pair))], addSpecialTokens, cancellationToken);
        }
        catch (Exception ex) when (IsEncodingFailure(ex) || (ex is AggregateException a && a.InnerExceptions.Any(IsEncodingFailure)))
        {
            // The batch does not say which input failed; encoding one by one finds the first, for its line number.
            foreach (var record in chunk)
            {
                try
                {
                    tokenizer.Encode(record.Text, record.Pair, addSpecialTokens);
                }
                catch (TruncationException failure)
                {
                    throw new InputException($"{path}:{record.Line}: cannot truncate this input: {failure.Message}", failure);
                }
                catch (Exception failure) when (IsEncodingFailure(failure))
                {
                    // E.g. a Unigram or WordLevel model without an unknown token meeting a character it lacks, as HF refuses it.
                    throw new InputException($"{path}:{record.Line}: the tokenizer cannot encode this input: {failure.Message}", failure);
                }
            }
            throw;
        }
    }

    // What a model throws for text it cannot encode (HF errors there too); not bugs, so they name the input line.
    private static bool IsEncodingFailure(Exception ex) => ex is TruncationException or TokenizerFormatException or InvalidOperationException;

    private static void WriteEncoding(Utf8JsonWriter json, Manabi.Text.TokenEncoding encoding)
    {
        json.WriteStartObject();
        WriteNumbers(json, "ids", encoding.Ids);
        json.WriteStartArray("tokens");
        foreach (string token in encoding.Tokens)
        {
            json.WriteStringValue(token);
        }
        json.WriteEndArray();
        WriteNumbers(json, "type_ids", encoding.TypeIds);
        WriteNumbers(json, "attention_mask", encoding.AttentionMask);
        json.WriteStartArray("offsets");
        foreach (var (start, end) in encoding.Offsets)
        {
            json.WriteStartArray();
            json.WriteNumberValue(start);
            json.WriteNumberValue(end);
            json.WriteEndArray();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteNumbers(Utf8JsonWriter json, string name, IReadOnlyList<int> values)
    {
        json.WriteStartArray(name);
        foreach (int value in values)
        {
            json.WriteNumberValue(value);
        }
        json.WriteEndArray();
    }

    /// <summary>
    /// Loads the tokenizer named by exactly one of <c>--vocab</c> (a BERT <c>vocab.txt</c>) and <c>--tokenizer</c>
    /// (see <see cref="TokenizerSources.Load"/>).
    /// </summary>
    /// <exception cref="InputException">Neither or both given, the file is missing, empty or malformed, or
    /// <paramref name="cased"/> for a tokenizer that is not BERT's WordPiece.</exception>
    public static Tokenizer LoadTokenizer(string? vocabPath, string? tokenizerPath, bool cased)
    {
        if ((vocabPath is null) == (tokenizerPath is null))
        {
            throw new InputException("give exactly one of --vocab vocab.txt and --tokenizer tokenizer.json.");
        }
        try
        {
            if (vocabPath is not null)
            {
                return WordPieceTokenizer.FromVocabFile(vocabPath, cased ? false : null).ToTokenizer();
            }
            var tokenizer = TokenizerSources.Load(tokenizerPath!);
            if (cased)
            {
                // The case switch is BertNormalizer's; other tokenizers' normalizers are part of their tokenizer.json.
                var wordPiece = tokenizer.WordPiece
                    ?? throw new InputException($"--cased: {tokenizerPath} is not a BERT WordPiece tokenizer; its normalizer decides case, so leave --cased out.");
                var n = wordPiece.Normalizer;
                tokenizer = wordPiece.WithNormalizer(new BertNormalizer(n.CleanText, n.HandleChineseChars, stripAccents: false, lowercase: false)).ToTokenizer();
            }
            return tokenizer;
        }
        catch (TokenizerFormatException ex)
        {
            throw new InputException(ex.Message, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{vocabPath ?? tokenizerPath}: cannot read the file: {ex.Message}", ex);
        }
    }

    private static Tokenizer ApplyTruncation(Tokenizer tokenizer, int? maxLength, string strategy, int stride, bool truncationOptionsGiven)
    {
        if (maxLength is null)
        {
            if (truncationOptionsGiven)
            {
                throw new InputException("--truncation and --stride need --max-length N.");
            }
            return tokenizer;
        }
        if (maxLength < 0)
        {
            throw new InputException($"--max-length: {maxLength} is negative.");
        }
        if (stride < 0)
        {
            throw new InputException($"--stride: {stride} is negative.");
        }
        // The tokenizer refuses a window with fewer tokens than the stride once the special tokens are counted; say which
        // option to change (a --max-length that cannot even hold the special tokens is its own fault, not --stride's).
        int added = tokenizer.PostProcessor?.AddedTokens(false) ?? 0;
        int effective = maxLength.Value - added;
        if (effective < stride)
        {
            throw effective < 0 || stride == 0
                ? new InputException(
                    $"--max-length: {maxLength} is too short: every encoding gets {added} special tokens" +
                    (stride > 0 ? $" and --stride is {stride}" : "") + $", so --max-length must be at least {added + stride}.")
                : new InputException(
                    $"--stride: {stride} is more than the {effective} tokens --max-length {maxLength} leaves after {added} special tokens; " +
                    $"give --stride {effective} or less, or a larger --max-length.");
        }
        var truncationStrategy = strategy switch
        {
            "only_first" => TruncationStrategy.OnlyFirst,
            "only_second" => TruncationStrategy.OnlySecond,
            _ => TruncationStrategy.LongestFirst,
        };
        try
        {
            return tokenizer.WithTruncation(new TruncationOptions(maxLength.Value, truncationStrategy, stride));
        }
        catch (ArgumentException ex)
        {
            throw new InputException($"--max-length/--stride: {ex.Message}", ex);
        }
    }

    private static Tokenizer ApplyPadding(Tokenizer tokenizer, string? padding)
    {
        if (padding is null)
        {
            return tokenizer;
        }
        // What the tokenizer.json's own padding block says (direction, pad_to_multiple_of: left padding for a decoder
        // model) is kept; --padding sets only the length.
        var declared = tokenizer.Padding ?? new PaddingOptions();
        PaddingOptions options;
        if (padding == "longest")
        {
            options = declared with { Strategy = PaddingStrategy.BatchLongest, Length = 0 };
        }
        else if (int.TryParse(padding, NumberStyles.None, CultureInfo.InvariantCulture, out int length) && length > 0)
        {
            options = declared with { Strategy = PaddingStrategy.Fixed, Length = length };
        }
        else
        {
            throw new InputException($"--padding: '{padding}' is neither 'longest' nor a length N of 1 or more.");
        }
        // The file's own padding token first, then the usual names of BERT's and SentencePiece's.
        string[] candidates = tokenizer.Padding is { } own ? [own.PadToken] : ["[PAD]", "<pad>"];
        foreach (string padToken in candidates)
        {
            if (tokenizer.TokenToId(padToken) is int padId)
            {
                return tokenizer.WithPadding(options with { PadToken = padToken, PadId = padId, PadTypeId = tokenizer.Padding?.PadTypeId ?? 0 });
            }
        }
        throw new InputException($"--padding: the vocabulary has no padding token ({string.Join(" or ", candidates)}).");
    }
}
