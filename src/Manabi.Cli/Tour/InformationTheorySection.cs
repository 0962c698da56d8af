using Manabi.Cli.Output;
using Manabi.Cli.Reporting;
using Manabi.Numerics;

namespace Manabi.Cli.Tour;

/// <summary>
/// Tour section for entropy and divergences: entropies of familiar distributions, how KL, JS and the
/// half Jeffreys divergence behave as q drifts from p, and KL of two Gaussians against its closed form.
/// </summary>
public sealed class InformationTheorySection : ITourSection
{
    /// <inheritdoc />
    public string Title => "Information theory";

    /// <inheritdoc />
    public Task<ReportSection> RunAsync(TourContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var section = new ReportSection(Title);
        section.AddParagraph(
            "Entropy measures the average surprise of a distribution; divergences compare two distributions. " +
            "Everything below is computed by Manabi.Numerics.InformationTheory; the same numbers come from " +
            "'manabi info entropy|kl|js|jeffreys --p … --q … --base 2'.");

        double fairCoinBits = AddEntropyTable(section);
        cancellationToken.ThrowIfCancellationRequested();
        double jsDisjoint = AddDivergenceSweep(section, context.Quick);
        cancellationToken.ThrowIfCancellationRequested();
        AddNamingTable(section);
        double gaussianError = AddGaussianKl(section, context.Quick);

        section.Headline =
            $"H(fair coin) = {NumberFormat.Short(fairCoinBits)} bit; JS(disjoint) = {NumberFormat.Short(jsDisjoint)} nats = ln 2; " +
            $"Gaussian KL error {gaussianError:0.0e+0}";
        return Task.FromResult(section);
    }

    private static double AddEntropyTable(ReportSection section)
    {
        (string Name, double[] P)[] distributions =
        [
            ("fair coin", [0.5, 0.5]),
            ("biased coin", [0.9, 0.1]),
            ("certain outcome", [1, 0]),
            ("fair die", [.. Enumerable.Repeat(1.0 / 6, 6)]),
            ("loaded die", [0.5, 0.1, 0.1, 0.1, 0.1, 0.1]),
            ("English letters (uniform)", [.. Enumerable.Repeat(1.0 / 26, 26)]),
        ];
        var rows = distributions.Select(d => (IReadOnlyList<string>)
        [
            d.Name,
            d.P.Length <= 6 ? string.Join(", ", d.P.Select(v => NumberFormat.Short(v, 3))) : $"{d.P.Length} × 1/{d.P.Length}",
            NumberFormat.Short(InformationTheory.Entropy(d.P, LogBase.Nats)),
            NumberFormat.Short(InformationTheory.Entropy(d.P, LogBase.Bits)),
            NumberFormat.Short(Math.Log2(d.P.Length)),
        ]);
        section.AddHeading("Entropy of familiar distributions");
        section.AddTable(["distribution", "p", "H (nats)", "H (bits)", "max = log₂ n (bits)"], rows);
        section.AddParagraph("A uniform distribution reaches the maximum log n; certainty has entropy 0. One bit is ln 2 ≈ 0.693 nats.");
        return InformationTheory.Entropy([0.5, 0.5], LogBase.Bits);
    }

    private static double AddDivergenceSweep(ReportSection section, bool quick)
    {
        double[] p = [0.5, 0.5];
        int steps = quick ? 100 : 400;
        var t = new double[steps + 1];
        var klPq = new double[steps + 1];
        var klQp = new double[steps + 1];
        var js = new double[steps + 1];
        var jeffreys = new double[steps + 1];
        for (int i = 0; i <= steps; i++)
        {
            // Cubic spacing puts most points near t = 0, where KL(p‖q) climbs steeply.
            double fraction = (double)i / steps;
            t[i] = 0.5 * fraction * fraction * fraction;
            double[] q = [1 - t[i], t[i]];
            klPq[i] = InformationTheory.KullbackLeibler(p, q);
            klQp[i] = InformationTheory.KullbackLeibler(q, p);
            js[i] = InformationTheory.JensenShannonDivergence(p, q);
            jeffreys[i] = InformationTheory.HalfJeffreys(p, q);
        }
        section.AddHeading("Divergences as q drifts away from p");
        section.AddParagraph(
            "p = (0.5, 0.5) and q = (1 − t, t). As t → 0, q gives zero probability to an outcome p still expects: " +
            "KL(p‖q) and the half Jeffreys divergence grow without bound (they are ∞ at t = 0, clipped here), " +
            "while the Jensen-Shannon divergence stays below ln 2. KL(p‖q) ≠ KL(q‖p): KL is not symmetric; JS and half Jeffreys are.");
        byte[] chart = Charts.Line(
            "Divergences from p = (0.5, 0.5) to q = (1 − t, t)",
            "t (probability q gives the second outcome)",
            "divergence (nats)",
            [
                new ChartSeries("KL(p‖q)", t, klPq),
                new ChartSeries("KL(q‖p)", t, klQp),
                new ChartSeries("JS(p, q)", t, js),
                new ChartSeries("half Jeffreys (KL(p‖q)+KL(q‖p))/2", t, jeffreys),
            ],
            yLimits: (0, 2.5),
            referenceLines: [new ReferenceLine(Math.Log(2), "ln 2 (JS bound)")]);
        section.AddChart(chart, "KL and half Jeffreys blow up as q → 0 where p > 0; JS stays bounded by ln 2.");

        double jsDisjoint = InformationTheory.JensenShannonDivergence([1, 0], [0, 1]);
        double[] pSample = [0.5, 0.5];
        double[] qSample = [0.9, 0.1];
        section.AddTable(
            ["measure", "(p, q)", "(q, p)", "symmetric?"],
            [
                Row("KL", InformationTheory.KullbackLeibler(pSample, qSample), InformationTheory.KullbackLeibler(qSample, pSample)),
                Row("JS divergence", InformationTheory.JensenShannonDivergence(pSample, qSample), InformationTheory.JensenShannonDivergence(qSample, pSample)),
                Row("half Jeffreys", InformationTheory.HalfJeffreys(pSample, qSample), InformationTheory.HalfJeffreys(qSample, pSample)),
            ],
            "p = (0.5, 0.5), q = (0.9, 0.1), in nats");
        section.AddFacts(
            ("KL(p‖q) at t = 0", NumberFormat.Short(klPq[0])),
            ("KL(q‖p) at t = 0", NumberFormat.Short(klQp[0])),
            ("JS at t = 0", NumberFormat.Short(js[0])),
            ("half Jeffreys at t = 0", NumberFormat.Short(jeffreys[0])),
            ("JS of disjoint (1, 0) and (0, 1)", NumberFormat.Short(jsDisjoint)),
            ("ln 2", NumberFormat.Short(Math.Log(2))));
        return jsDisjoint;

        static IReadOnlyList<string> Row(string name, double forward, double backward) =>
            [name, NumberFormat.Short(forward), NumberFormat.Short(backward), Math.Abs(forward - backward) <= 1e-12 ? "yes" : "no"];
    }

    private static void AddNamingTable(ReportSection section)
    {
        section.AddHeading("“JS” versus the symmetric KL mean");
        section.AddParagraph(
            "Some code calls (KL(p‖q) + KL(q‖p)) / 2 a \"Jensen-Shannon\" divergence. It is not: Jensen-Shannon compares each " +
            "distribution with their mixture, which keeps it finite and bounded. Manabi names them apart.");
        section.AddTable(
            ["name", "formula", "range", "manabi info"],
            [
                ["Jensen-Shannon divergence", "½ KL(p‖m) + ½ KL(q‖m), m = (p + q)/2", "[0, ln 2] nats, [0, 1] bit", "js"],
                ["Jensen-Shannon distance", "√JS(p, q), a true metric", "[0, √ln 2]", "js-distance"],
                ["half Jeffreys (symmetric KL mean)", "(KL(p‖q) + KL(q‖p)) / 2", "[0, ∞]", "jeffreys"],
                ["Jeffreys divergence", "KL(p‖q) + KL(q‖p)", "[0, ∞]", "(2 × jeffreys)"],
            ]);
    }

    private static double AddGaussianKl(ReportSection section, bool quick)
    {
        const double mean1 = 0, sigma1 = 1, mean2 = 1, sigma2 = 2;
        double closedForm = Math.Log(sigma2 / sigma1) + (sigma1 * sigma1 + (mean1 - mean2) * (mean1 - mean2)) / (2 * sigma2 * sigma2) - 0.5;
        double step = quick ? 0.01 : 0.002;
        int count = (int)Math.Round(30 / step) + 1;
        var p = new double[count];
        var q = new double[count];
        for (int i = 0; i < count; i++)
        {
            double x = -14 + i * step;
            p[i] = Density(x, mean1, sigma1);
            q[i] = Density(x, mean2, sigma2);
        }
        double numeric = InformationTheory.KullbackLeibler(p, q);
        double error = Math.Abs(numeric - closedForm);
        section.AddHeading("KL of two Gaussians: closed form versus a numeric estimate");
        section.AddParagraph(
            $"KL(N(0, 1) ‖ N(1, 2²)) = ln(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½. The estimate discretises both densities on " +
            $"{count} points (step {step}) over [−14, 16] and applies the discrete KL to the normalised weights.");
        section.AddFacts(
            ("closed form (nats)", NumberFormat.Plain(closedForm)),
            ("numeric estimate (nats)", NumberFormat.Plain(numeric)),
            ("absolute error", error.ToString("0.0e+0", System.Globalization.CultureInfo.InvariantCulture)));
        return error;

        static double Density(double x, double mean, double sigma) =>
            Math.Exp(-0.5 * ((x - mean) / sigma) * ((x - mean) / sigma)) / (sigma * Math.Sqrt(2 * Math.PI));
    }
}
