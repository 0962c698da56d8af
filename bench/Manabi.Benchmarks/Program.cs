using BenchmarkDotNet.Running;
using Manabi.Benchmarks.Compare;

// `compare <suite>` times Manabi and its Python peers side by side in one run and prints ratios;
// anything else goes to BenchmarkDotNet (e.g. `--filter *Entropy*`).
if (args.Length > 0 && args[0] == "sbert-profile")
{
    return Manabi.Benchmarks.Sbert.SbertForwardProfile.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "sbert-ceiling")
{
    return Manabi.Benchmarks.Sbert.SbertGemmCeiling.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "sbert")
{
    return Manabi.Benchmarks.Sbert.SbertEncodeComparison.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "compare")
{
    return await SideBySide.RunAsync(args[1..]);
}
if (args.Length > 0 && args[0] == "tokenizer-steady")
{
    return Manabi.Benchmarks.Text.TokenizerSteadyState.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "tokenizer-batch")
{
    return Manabi.Benchmarks.Text.BatchScalingComparison.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "trainers")
{
    return Manabi.Benchmarks.Text.TrainerComparison.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "vectordata")
{
    return await Manabi.Benchmarks.VectorData.VectorDataComparison.RunAsync(args[1..]);
}
if (args.Length > 0 && args[0] == "vectordata-scan")
{
    return Manabi.Benchmarks.VectorData.ScreenedScanComparison.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "vectors")
{
    return await Manabi.Benchmarks.Vectors.VectorsComparison.RunAsync(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(SideBySide).Assembly).Run(args);
return 0;
