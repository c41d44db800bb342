using System.Runtime.InteropServices;

namespace PgMetrics.TestPostgres;

/// <summary>The two POSIX calls .NET lacks: the effective user id, and sending a signal other than SIGKILL.</summary>
internal static partial class NativeMethods
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
