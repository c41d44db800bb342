namespace PgMetrics.Deployment.Tests.Infrastructure;

/// <summary>
/// The restricted Pod Security Standard (kubernetes.io/docs/concepts/security/pod-security-standards,
/// "Restricted", which includes "Baseline"), checked field by field on a pod spec, as the Pod Security
/// admission controller checks it. Returns every violation, naming the field.
/// </summary>
public static class PodSecurityStandard
{
    private static readonly HashSet<string> RestrictedVolumeTypes = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
    private static readonly HashSet<string> SafeSysctls = ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"];

    public static IReadOnlyList<string> RestrictedViolations(KubeObject pod)
    {
        var violations = new List<string>();
        var podContext = pod.Map("securityContext");

        // Baseline: host namespaces, host paths and ports, privileged, capabilities, sysctls, proc mount, AppArmor, SELinux.
        foreach (var hostField in new[] { "hostNetwork", "hostPID", "hostIPC" })
        {
            if (pod.Flag(hostField) == true)
            {
                violations.Add($"spec.{hostField} must not be true");
            }
        }

        foreach (var sysctl in podContext?.Maps("sysctls") ?? [])
        {
            if (!SafeSysctls.Contains(sysctl.Text("name") ?? string.Empty))
            {
                violations.Add($"securityContext.sysctls: {sysctl.Text("name")} is not a safe sysctl");
            }
        }

        foreach (var volume in pod.Maps("volumes"))
        {
            var type = volume.Keys.FirstOrDefault(k => k != "name");
            if (type is null || !RestrictedVolumeTypes.Contains(type))
            {
                violations.Add($"volumes[{volume.Text("name")}]: type {type} is not allowed (restricted allows {string.Join(", ", RestrictedVolumeTypes)})");
            }
        }

        CheckSeccomp(podContext, "spec.securityContext", violations);
        CheckAppArmorAndSeLinux(podContext, "spec.securityContext", violations);
        if (podContext?.Text("runAsUser") == "0")
        {
            violations.Add("spec.securityContext.runAsUser must not be 0");
        }

        foreach (var container in pod.AllContainers)
        {
            var where = $"container {container.Text("name")}";
            var context = container.Map("securityContext");
            if (context?.Flag("privileged") == true)
            {
                violations.Add($"{where}: securityContext.privileged must not be true");
            }

            if (context?.Map("windowsOptions")?.Flag("hostProcess") == true)
            {
                violations.Add($"{where}: windowsOptions.hostProcess must not be true");
            }

            if (context?.Text("procMount") is { } procMount && procMount != "Default")
            {
                violations.Add($"{where}: securityContext.procMount must be Default");
            }

            if (container.Maps("ports").Any(p => p.Text("hostPort") is { } hostPort && hostPort != "0"))
            {
                violations.Add($"{where}: ports must not set hostPort");
            }

            // Restricted: no privilege escalation, non-root, seccomp, capabilities.
            if (context?.Flag("allowPrivilegeEscalation") != false)
            {
                violations.Add($"{where}: securityContext.allowPrivilegeEscalation must be false");
            }

            if ((context?.Flag("runAsNonRoot") ?? podContext?.Flag("runAsNonRoot")) != true)
            {
                violations.Add($"{where}: runAsNonRoot must be true (in the container's or the pod's securityContext)");
            }

            if (context?.Text("runAsUser") == "0")
            {
                violations.Add($"{where}: securityContext.runAsUser must not be 0");
            }

            if (context?.Map("seccompProfile") is null && podContext?.Map("seccompProfile") is null)
            {
                violations.Add($"{where}: seccompProfile must be RuntimeDefault or Localhost (in the container's or the pod's securityContext)");
            }

            CheckSeccomp(context, $"{where}: securityContext", violations);
            CheckAppArmorAndSeLinux(context, $"{where}: securityContext", violations);
            var capabilities = context?.Map("capabilities");
            if (capabilities is null || !capabilities.Texts("drop").Contains("ALL"))
            {
                violations.Add($"{where}: securityContext.capabilities.drop must include ALL");
            }

            foreach (var added in capabilities?.Texts("add") ?? [])
            {
                if (added != "NET_BIND_SERVICE")
                {
                    violations.Add($"{where}: securityContext.capabilities.add may only hold NET_BIND_SERVICE, not {added}");
                }
            }
        }

        return violations;
    }

    private static void CheckSeccomp(KubeObject? context, string where, List<string> violations)
    {
        if (context?.Map("seccompProfile")?.Text("type") is { } type && type is not ("RuntimeDefault" or "Localhost"))
        {
            violations.Add($"{where}.seccompProfile.type must be RuntimeDefault or Localhost, not {type}");
        }
    }

    private static void CheckAppArmorAndSeLinux(KubeObject? context, string where, List<string> violations)
    {
        if (context?.Map("appArmorProfile")?.Text("type") == "Unconfined")
        {
            violations.Add($"{where}.appArmorProfile.type must not be Unconfined");
        }

        if (context?.Map("seLinuxOptions") is { } seLinux
            && (seLinux.Has("user") || seLinux.Has("role") || (seLinux.Text("type") is { } type && type is not ("container_t" or "container_init_t" or "container_kvm_t" or "container_engine_t"))))
        {
            violations.Add($"{where}.seLinuxOptions may only set an allowed type and level");
        }
    }
}
