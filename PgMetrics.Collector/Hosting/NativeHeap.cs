using System.Runtime.InteropServices;

namespace PgMetrics.Collector.Hosting;

/// <summary>
/// Keeps glibc's <c>malloc</c> from holding on to native memory the collector has freed. The collector's
/// native allocations come and go (zlib's deflate state for every gzip request, a few hundred KB, made and
/// freed on whichever thread-pool thread compresses; the runtime's and the sockets' own bookkeeping), and
/// glibc serves each thread from one of up to 8 arenas per core, each keeping what was freed in it for its
/// own later use. Their high-water marks add up: in the fleet soak (100 targets at 2 s, JIT build) the
/// arenas' resident memory grew from 51 to 75 MiB in 13 minutes while the managed heap stayed at 52-56 MB
/// (bench/results/soak-100-targets-no-limiter-before.md). Two arenas (what <c>MALLOC_ARENA_MAX=2</c>, often
/// set for .NET and JVM services in containers, gives) and a periodic <c>malloc_trim</c>, which gives the
/// free pages inside every arena back to the kernel, keep them at 10-20 MiB.
/// </summary>
/// <remarks>
/// A user's own <c>MALLOC_ARENA_MAX</c> or <c>GLIBC_TUNABLES</c> wins: nothing is changed when either is set.
/// On other C libraries (musl has no arenas and no <c>malloc_trim</c>) and other systems this does nothing.
/// </remarks>
internal static partial class NativeHeap
{
    /// <summary>The arenas glibc may create once <see cref="LimitArenas"/> has run.</summary>
    public const int ArenaMax = 2;

    // mallopt's parameter number for the arena limit (glibc's malloc.h: M_ARENA_MAX -8).
    private const int MallocArenaMax = -8;

    private static bool _trimUnavailable;

    /// <summary>
    /// Limits glibc to <see cref="ArenaMax"/> arenas, unless the environment already says how many. Called first
    /// thing in <c>Main</c>: glibc fixes its limit when the ninth arena would be made, so an early call
    /// still applies to every arena after the few the runtime's start made.
    /// </summary>
    /// <param name="environment">Reads an environment variable; <see cref="Environment.GetEnvironmentVariable(string)"/> unless a test gives another.</param>
    /// <returns>Whether the limit was set (false off glibc Linux, or when the environment sets it).</returns>
    public static bool LimitArenas(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (!OperatingSystem.IsLinux() || environment("MALLOC_ARENA_MAX") is not null || environment("GLIBC_TUNABLES") is not null)
        {
            return false;
        }

        try
        {
            return Mallopt(MallocArenaMax, ArenaMax) == 1;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Gives the free pages of every glibc arena back to the kernel (<c>malloc_trim(0)</c>).</summary>
    /// <returns>Whether any memory was given back; false where there is no <c>malloc_trim</c>.</returns>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux() || _trimUnavailable)
        {
            return false;
        }

        try
        {
            return MallocTrim(0) == 1;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // musl and other C libraries: nothing to trim, and no need to try again.
            _trimUnavailable = true;
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
