using System.Diagnostics;

namespace Manabi.Vision.Data;

/// <summary>
/// Finds Fashion-MNIST (<see cref="FashionMnist.Locate"/>) and, when it is absent, installs Debian's
/// <c>dataset-fashion-mnist</c> where that is possible without asking: running as root with <c>apt-get</c> on the
/// PATH, and <c>$MANABI_NO_INSTALL</c> unset. Otherwise it reports absence and the one command to run, so callers
/// can skip optional work with a useful message rather than fail.
/// </summary>
public static class FashionMnistLocator
{
    /// <summary>The Debian package that installs the data set into <c>/usr/share/datasets/fashion-mnist</c>.</summary>
    public const string PackageName = "dataset-fashion-mnist";

    /// <summary>The command a user runs to install the data set.</summary>
    public const string InstallCommand = "sudo apt-get install -y " + PackageName;

    /// <summary>Set (to anything non-empty) to forbid installing, e.g. on a shared machine or in tests of the fallback.</summary>
    public const string NoInstallVariable = "MANABI_NO_INSTALL";

    /// <summary>
    /// True when <see cref="LocateOrInstall"/> may install the package: the process is root, <c>apt-get</c> is on the
    /// PATH and <see cref="NoInstallVariable"/> is unset.
    /// </summary>
    public static bool CanInstall =>
        Environment.GetEnvironmentVariable(NoInstallVariable) is not { Length: > 0 }
        && Environment.IsPrivilegedProcess
        && FindOnPath("apt-get") is not null;

    /// <summary>Why the data set is unavailable and how to get it, for messages when <see cref="LocateOrInstall"/> returns null.</summary>
    public static string MissingMessage =>
        $"Fashion-MNIST is not installed (looked in {string.Join(", ", FashionMnist.SearchFolders())}). To get it, run: {InstallCommand}";

    /// <summary>
    /// The data set's folder: found by <see cref="FashionMnist.Locate"/>, or installed first when it is absent and
    /// <see cref="CanInstall"/>; null when it is absent and cannot be installed (see <see cref="MissingMessage"/>).
    /// </summary>
    /// <param name="progress">Receives a line before the installation starts (it downloads about 31 MB).</param>
    /// <exception cref="InvalidOperationException">apt-get failed, or installed the package without the files appearing.</exception>
    public static string? LocateOrInstall(Action<string>? progress = null)
    {
        if (FashionMnist.Locate() is { } folder)
        {
            return folder;
        }
        if (!CanInstall)
        {
            return null;
        }
        progress?.Invoke($"Fashion-MNIST is not installed; installing the Debian package {PackageName} (apt-get install -y, about 31 MB)…");
        Install();
        return FashionMnist.Locate() ?? throw new InvalidOperationException(
            $"apt-get installed {PackageName}, but Fashion-MNIST is still not in {string.Join(", ", FashionMnist.SearchFolders())}.");
    }

    // As build/ensure-prerequisites.sh does: try the package lists there are, and refresh them only when that fails
    // (a fresh container often has none), so an up-to-date machine does not pay for an update.
    private static void Install()
    {
        if (AptGet("install", "-y", "-qq", PackageName) is null)
        {
            return;
        }
        string? updateError = AptGet("update", "-qq");
        string? installError = AptGet("install", "-y", "-qq", PackageName);
        if (installError is not null)
        {
            throw new InvalidOperationException(
                $"apt-get could not install {PackageName}: {installError}{(updateError is null ? "" : $" (apt-get update: {updateError})")}");
        }
    }

    /// <summary>Runs apt-get non-interactively; null on success, else the end of its output.</summary>
    private static string? AptGet(params string[] arguments)
    {
        var start = new ProcessStartInfo("apt-get")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("apt-get could not be started.");
        // Both streams are drained concurrently so that a full pipe cannot block apt-get.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        string output = (stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult()).Trim();
        return process.ExitCode == 0 ? null : $"exit code {process.ExitCode}: {(output.Length > 600 ? "…" + output[^600..] : output)}";
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);
}
