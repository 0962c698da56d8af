namespace Manabi.Cli.Tests.FaultInjection;

internal static partial class FaultTable
{
    private static void Numerics(List<FaultCase> table)
    {
        foreach (string measure in (string[])["entropy", "cross-entropy", "kl", "js", "js-distance", "jeffreys"])
        {
            string command = $"info {measure}";
            bool pair = measure != "entropy";
            string[] Q(params string[] args) => pair ? [.. args, "--q", "0.5,0.5"] : args;
            table.Add(Option(command, "--p not a number", "--p", _ => Q("info", measure, "--p", "0.5,abc")));
            table.Add(Option(command, "--p NaN", "--p", _ => Q("info", measure, "--p", "NaN,0.5")));
            table.Add(Option(command, "--p infinite", "--p", _ => Q("info", measure, "--p", "Infinity,0.5")));
            table.Add(Option(command, "--p negative", "--p", _ => Q("info", measure, "--p", "-1,2")));
            table.Add(Option(command, "--base 3", "--base", _ => Q("info", measure, "--p", "0.5,0.5", "--base", "3")));
            if (pair)
            {
                table.Add(Option(command, "--q of another length", "--q", _ => ["info", measure, "--p", "0.5,0.5", "--q", "0.2,0.3,0.5"]));
                table.Add(Option(command, "--q NaN", "--q", _ => ["info", measure, "--p", "0.5,0.5", "--q", "0.5,NaN"]));
            }
            AddFileFaults(table, command, "--csv", "p.csv", FileFaults.NotEmpty, (_, path) => Q("info", measure, "--csv", path));
            table.Add(Content(command, "--csv invalid UTF-8", "p.csv", (s, n) => s.InvalidUtf8(n, ["0.5,0.5", "0.25,0.75"], 2), 2,
                (_, path) => Q("info", measure, "--csv", path)));
            table.Add(Content(command, "--csv NaN in a row", "p.csv", (s, n) => s.Text(n, "0.5,0.5\nNaN,0.5\n"), 2,
                (_, path) => Q("info", measure, "--csv", path)));
            table.Add(Content(command, "--csv a row truncated", "p.csv", (s, n) => s.Text(n, "0.5,0.5\n0.5,\n"), 2,
                (_, path) => Q("info", measure, "--csv", path)));
        }
        table.Add(Huge("info entropy", "--csv", "p.csv", (_, path) => ["info", "entropy", "--csv", path], "0.5,"));

        AddFileFaults(table, "eig", "--matrix", "m.csv", FileFaults.All, (_, path) => ["eig", "--matrix", path]);
        table.Add(Content("eig", "--matrix invalid UTF-8", "m.csv", (s, n) => s.InvalidUtf8(n, ["1,2", "3,4"], 2), 2, (_, p) => ["eig", "--matrix", p]));
        table.Add(Content("eig", "--matrix not a number", "m.csv", (s, n) => s.Text(n, "1,2\n3,x\n"), 2, (_, p) => ["eig", "--matrix", p]));
        table.Add(Content("eig", "--matrix NaN", "m.csv", (s, n) => s.Text(n, "1,2\nNaN,4\n"), 2, (_, p) => ["eig", "--matrix", p]));
        table.Add(Content("eig", "--matrix infinite", "m.csv", (s, n) => s.Text(n, "1,2\n3,-Infinity\n"), 2, (_, p) => ["eig", "--matrix", p]));
        table.Add(Content("eig", "--matrix truncated row", "m.csv", (s, n) => s.Text(n, "1,2,3\n4,5,6\n7,8\n"), 3, (_, p) => ["eig", "--matrix", p]));
        table.Add(Content("eig", "--matrix not square", "m.csv", (s, n) => s.Text(n, "1,2,3\n4,5,6\n"), 0, (_, p) => ["eig", "--matrix", p]));
        table.Add(Huge("eig", "--matrix", "m.csv", (_, path) => ["eig", "--matrix", path], "1,"));

        static string[] Pca(string path, string components = "1") => ["pca", "--input", path, "--components", components];
        AddFileFaults(table, "pca", "--input", "x.csv", FileFaults.All, (_, path) => Pca(path));
        table.Add(Content("pca", "--input invalid UTF-8", "x.csv", (s, n) => s.InvalidUtf8(n, ["1,2", "3,4", "5,7"], 3), 3, (_, p) => Pca(p)));
        table.Add(Content("pca", "--input NaN", "x.csv", (s, n) => s.Text(n, "1,2\n3,NaN\n5,7\n"), 2, (_, p) => Pca(p)));
        table.Add(Content("pca", "--input infinite", "x.csv", (s, n) => s.Text(n, "1,2\n3,4\nInfinity,7\n"), 3, (_, p) => Pca(p)));
        table.Add(Content("pca", "--input ragged row", "x.csv", (s, n) => s.Text(n, "1,2\n3,4,5\n5,7\n"), 2, (_, p) => Pca(p)));
        table.Add(Huge("pca", "--input", "x.csv", (_, path) => Pca(path), "1,"));
        table.Add(Option("pca", "--components 0", "--components", s => Pca(s.Text("x.csv", "1,2\n3,4\n5,7\n"), "0")));
        table.Add(Option("pca", "--components above the features", "--components", s => Pca(s.Text("x.csv", "1,2\n3,4\n5,7\n"), "3")));
        table.Add(Option("pca", "--components not a number", "--components", s => Pca(s.Text("x.csv", "1,2\n3,4\n5,7\n"), "two")));
    }
}
