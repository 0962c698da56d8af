using System.Runtime.InteropServices;

namespace Manabi.Cli.Tests;

/// <summary>The libc calls the tests need: sending a signal to a child process.</summary>
internal static class NativeMethods
{
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static extern int Kill(int pid, int signal);
}
