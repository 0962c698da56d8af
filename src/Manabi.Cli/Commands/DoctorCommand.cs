using System.CommandLine;
using System.Text;
using System.Text.Json;
using Manabi.Cli.Diagnostics;
using Manabi.Cli.Output;
using Spectre.Console;

namespace Manabi.Cli.Commands;

/// <summary><c>manabi doctor</c>: reports whether this machine can run Manabi and how to fix what is missing.</summary>
public static class DoctorCommand
{
    /// <summary>Builds the <c>doctor</c> command.</summary>
    public static Command Create()
    {
        var jsonOption = new Option<bool>("--json") { Description = "Print the checks as JSON: {\"ok\": bool, \"checks\": [{\"name\", \"status\", \"detail\", \"hint\"}]}." };
        var command = new Command("doctor",
            "Checks the runtime, libtorch (and the GLIBCXX_3.4.32 native fix), threads, CPU features, data sets and models. " +
            "Exits 0 when everything required works (libtorch loads), 1 otherwise; missing optional data only warns.")
        {
            jsonOption,
        };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            var checks = Doctor.RunChecks();
            bool ok = checks.All(c => c.Status != DoctorStatus.Failed);
            if (parseResult.GetValue(jsonOption))
            {
                output.WriteLine(ToJson(checks, ok));
            }
            else
            {
                WriteTable(Terminal.CreateConsole(output), checks, ok);
            }
            return ok ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return command;
    }

    private static void WriteTable(IAnsiConsole console, IReadOnlyList<DoctorCheck> checks, bool ok)
    {
        var table = new Table().AddColumn("Check").AddColumn("Status").AddColumn("Details");
        foreach (var check in checks)
        {
            string status = check.Status switch
            {
                DoctorStatus.Ok => "[green]ok[/]",
                DoctorStatus.Warning => "[yellow]warning[/]",
                DoctorStatus.Failed => "[red]FAILED[/]",
                _ => "[grey]info[/]",
            };
            string details = Markup.Escape(check.Detail) + (check.Hint is null ? "" : $"\n[dim]hint: {Markup.Escape(check.Hint)}[/]");
            table.AddRow(new Markup(Markup.Escape(check.Name)), new Markup(status), new Markup(details));
        }
        console.Write(table);
        console.MarkupLine(ok ? "[green]Everything required is working.[/]" : "[red]Something required is broken; see the hints above.[/]");
    }

    private static string ToJson(IReadOnlyList<DoctorCheck> checks, bool ok)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("ok", ok);
            writer.WriteStartArray("checks");
            foreach (var check in checks)
            {
                writer.WriteStartObject();
                writer.WriteString("name", check.Name);
                writer.WriteString("status", check.Status.ToString().ToLowerInvariant());
                writer.WriteString("detail", check.Detail);
                if (check.Hint is null)
                {
                    writer.WriteNull("hint");
                }
                else
                {
                    writer.WriteString("hint", check.Hint);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
