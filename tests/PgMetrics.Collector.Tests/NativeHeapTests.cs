using System.Buffers.Binary;
using System.Runtime.InteropServices;
using PgMetrics.Collector.Hosting;

namespace PgMetrics.Collector.Tests;

/// <summary>
/// The collector's hold on glibc's native heap: two arenas unless the environment says otherwise, and a trim that
/// gives freed native memory back to the kernel. The kernel is the oracle: /proc/self/pagemap says which pages are
/// in memory.
/// </summary>
public sealed class NativeHeapTests
{
    private const int PageSize = 4096;

    [Fact]
    public void The_arena_limit_is_set_on_glibc_unless_the_environment_sets_its_own()
    {
        Assert.True(NativeHeap.LimitArenas(_ => null));
        Assert.False(NativeHeap.LimitArenas(name => name == "MALLOC_ARENA_MAX" ? "4" : null));
        Assert.False(NativeHeap.LimitArenas(name => name == "GLIBC_TUNABLES" ? "glibc.malloc.arena_max=4" : null));
    }

    [Fact]
    public void A_trim_gives_the_pages_of_freed_native_memory_back_to_the_kernel()
    {
        // 4 MiB in blocks below glibc's mmap threshold, so they come from an arena as zlib's deflate states
        // and the runtime's own allocations do; the block after them stays allocated so the freed ones are not
        // at the arena's top, from where free() alone would give them back.
        const int blocks = 64;
        const int blockBytes = 64 * 1024;
        var (pagesBefore, pagesAfter, total) = (0, 0, 0);
        var thread = new Thread(() =>
        {
            var ones = Enumerable.Repeat((byte)1, blockBytes).ToArray();
            var pointers = new nint[blocks + 1];
            for (var i = 0; i < pointers.Length; i++)
            {
                pointers[i] = Marshal.AllocHGlobal(blockBytes);
                Marshal.Copy(ones, 0, pointers[i], blockBytes);
            }

            for (var i = 0; i < blocks; i++)
            {
                Marshal.FreeHGlobal(pointers[i]);
            }

            // Whole pages inside the freed blocks, leaving out each block's first and last page (malloc's headers).
            var pages = pointers[..blocks].SelectMany(p => Enumerable.Range(1, (blockBytes / PageSize) - 2).Select(page => ((p / PageSize) + page) * PageSize)).ToList();
            total = pages.Count;
            pagesBefore = pages.Count(IsResident);
            NativeHeap.Trim();
            pagesAfter = pages.Count(IsResident);
            Marshal.FreeHGlobal(pointers[blocks]);
        });
        thread.Start();
        thread.Join();

        // Other threads of the test run may take a little of the freed memory between the free and the trim.
        Assert.True(pagesBefore > total * 9 / 10, $"{pagesBefore} of {total} freed pages were resident before the trim");
        Assert.True(pagesAfter < total / 10, $"{pagesAfter} of {total} freed pages were still resident after the trim");
    }

    // Bit 63 of a page's /proc/self/pagemap entry: the page is in memory.
    private static bool IsResident(nint address)
    {
        using var pagemap = File.OpenHandle("/proc/self/pagemap");
        Span<byte> entry = stackalloc byte[8];
        RandomAccess.Read(pagemap, entry, address / PageSize * 8);
        return (BinaryPrimitives.ReadUInt64LittleEndian(entry) & (1UL << 63)) != 0;
    }
}
