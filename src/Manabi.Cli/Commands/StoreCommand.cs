using System.CommandLine;
using System.Globalization;
using Manabi.VectorData;
using Microsoft.Extensions.VectorData;

namespace Manabi.Cli.Commands;

/// <summary><c>manabi store info|delete DIR</c>: a Manabi.VectorData store directory's collections, and removing them.</summary>
public static class StoreCommand
{
    /// <summary>Builds the <c>store</c> command.</summary>
    public static Command Create()
    {
        var command = new Command("store", "Inspects or deletes a vector store directory (Manabi.VectorData; see `search --store`).");
        command.Subcommands.Add(Info());
        command.Subcommands.Add(Delete());
        return command;
    }

    private static Command Info()
    {
        var directory = new Argument<string>("DIR") { Description = "The store directory." };
        var command = new Command("info", "Prints the store's collections: name<TAB>records<TAB>schema (JSON), one a line.") { directory };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            string dir = parseResult.GetValue(directory)!;
            RequireStore(dir);
            var infos = Run(dir, () =>
            {
                using var store = new ManabiVectorStore(dir);
                return store.GetCollectionInfoAsync().GetAwaiter().GetResult();
            });
            output.WriteLine($"store: {Path.GetFullPath(dir)}");
            output.WriteLine($"collections: {infos.Count.ToString(CultureInfo.InvariantCulture)}");
            foreach (var info in infos)
            {
                output.WriteLine($"{info.Name}\t{info.Count.ToString(CultureInfo.InvariantCulture)}\t{info.Schema}");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Delete()
    {
        var directory = new Argument<string>("DIR") { Description = "The store directory." };
        var collection = new Option<string?>("--collection") { Description = "Delete only this collection (default: the whole store)." };
        var command = new Command("delete", "Deletes a collection of the store, or the whole store (its database, WAL and lock files).") { directory, collection };
        command.SetAction(CommandActions.Guard((parseResult, output) =>
        {
            string dir = parseResult.GetValue(directory)!;
            RequireStore(dir);
            string? name = parseResult.GetValue(collection);
            if (name is null)
            {
                Run(dir, () => { ManabiVectorStore.Delete(dir); return 0; });
                output.WriteLine($"Deleted the store {Path.GetFullPath(dir)}.");
                return ExitCodes.Success;
            }
            var existed = Run(dir, () =>
            {
                using var store = new ManabiVectorStore(dir);
                var found = store.CollectionExistsAsync(name).GetAwaiter().GetResult();
                store.EnsureCollectionDeletedAsync(name).GetAwaiter().GetResult();
                return found;
            });
            if (!existed)
            {
                throw new InputException($"--collection {name}: {dir} has no such collection.");
            }
            output.WriteLine($"Deleted the collection {name} of {Path.GetFullPath(dir)}.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void RequireStore(string dir)
    {
        if (!ManabiVectorStore.Exists(dir))
        {
            throw new InputException($"{dir}: not a vector store (no store.db in it).");
        }
    }

    /// <summary>Store errors (another process has it open, an unreadable database) are the user's input: one line, exit 2.</summary>
    internal static T Run<T>(string dir, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (VectorStoreException e)
        {
            throw new InputException($"{dir}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{dir}: cannot use the store directory: {e.Message}", e);
        }
    }
}
