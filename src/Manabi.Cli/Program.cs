using System.Runtime.InteropServices;

namespace Manabi.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        int code = await ManabiCommand.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
        if (code == ExitCodes.Interrupted && OperatingSystem.IsLinux())
        {
            // A cancelled command may leave a native call (libtorch) running on another thread; the runtime's orderly
            // shutdown then raced it and the process died of SIGSEGV (exit 139) after printing "Cancelled.". Its files
            // are already removed or saved, so end here, at once, with the promised 130.
            await Console.Out.FlushAsync().ConfigureAwait(false);
            await Console.Error.FlushAsync().ConfigureAwait(false);
            ExitNow(code);
        }
        return code;
    }

    [DllImport("libc", EntryPoint = "_exit")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern void ExitNow(int status);
}
