using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace PgMetrics.Deployment.Tests.Infrastructure;

/// <summary>
/// Runs the image's entrypoint the way a restricted pod runs it, without a container runtime (this
/// sandbox forbids the runtime's rlimit calls): in a private mount namespace, the image's root file
/// system bound read-only, /dev and /proc mounted, the given folders and files bound over their mount
/// points, then chroot as the image's user (65532) with no_new_privs, no capabilities (a non-root
/// uid has none) and only the image's environment plus the given variables.
/// </summary>
public sealed class ContainerRun
{
    private readonly ImageRoot.Unpacked _image;
    private readonly List<(string Source, string Target, bool ReadOnly)> _mounts = [];
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    public ContainerRun(ImageRoot.Unpacked image)
    {
        _image = image;
        foreach (var entry in image.Config.GetProperty("Env").EnumerateArray().Select(e => e.GetString()!))
        {
            var separator = entry.IndexOf('=', StringComparison.Ordinal);
            _environment[entry[..separator]] = entry[(separator + 1)..];
        }
    }

    /// <summary>Fails the test, saying why, where the image cannot be built or run: buildah's storage, chroot and mounts need root.</summary>
    public static void RequireRoot()
    {
        if (!string.Equals(System.Environment.UserName, "root", StringComparison.Ordinal))
        {
            Assert.Fail($"Building and running the image needs root (buildah's vfs storage, chroot, mount namespaces), as ./build.sh --target=Test runs; running as {System.Environment.UserName}.");
        }
    }

    /// <summary>Binds a host folder or file over a path of the image (which must exist there, as a mount point).</summary>
    public ContainerRun Mount(string source, string target, bool readOnly = true)
    {
        // As runc does, a missing mount point (/etc/hosts, say) is made in the container's own copy of the root.
        var mountPoint = _image.RootFileSystem + target;
        if (Directory.Exists(source))
        {
            Directory.CreateDirectory(mountPoint);
        }
        else if (!File.Exists(mountPoint))
        {
            File.WriteAllBytes(mountPoint, []);
        }

        _mounts.Add((source, target, readOnly));
        return this;
    }

    public ContainerRun Environment(string name, string value)
    {
        _environment[name] = value;
        return this;
    }

    public Task<Command.Result> RunAsync(params string[] arguments)
        => Command.RunAsync("unshare", StartArguments(arguments), new Dictionary<string, string>());

    /// <summary>Starts it and returns the process, for runs that are probed while they last.</summary>
    public Process Start(StringBuilder output, params string[] arguments)
    {
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in StartArguments(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private List<string> StartArguments(string[] arguments)
    {
        var user = _image.Config.GetProperty("User").GetString()!;
        var entrypoint = _image.Config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()!);
        // Each run mounts onto the same folder, in its own mount namespace; nothing is left mounted after it.
        var root = Path.Combine(_image.Folder, "mnt");
        Directory.CreateDirectory(root);
        var script = new StringBuilder("set -e\n");
        script.Append($"mount --bind {Quote(_image.RootFileSystem)} {Quote(root)}\nmount -o remount,bind,ro {Quote(root)}\n");
        script.Append($"mount --rbind /dev {Quote(root + "/dev")}\nmount -t proc proc {Quote(root + "/proc")}\n");
        foreach (var (source, target, readOnly) in _mounts)
        {
            script.Append($"mount --bind {Quote(source)} {Quote(root + target)}\n");
            if (readOnly)
            {
                script.Append($"mount -o remount,bind,ro {Quote(root + target)}\n");
            }
        }

        script.Append("exec /usr/bin/env -i ").AppendJoin(' ', _environment.Select(e => Quote($"{e.Key}={e.Value}")));
        script.Append($" /usr/bin/setpriv --no-new-privs /usr/sbin/chroot --userspec={user} --groups={user.Split(':')[1]} {Quote(root)} ");
        script.AppendJoin(' ', entrypoint.Concat(arguments).Select(Quote)).Append('\n');
        return ["--mount", "--propagation", "private", "--", "/bin/sh", "-c", script.ToString()];
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
