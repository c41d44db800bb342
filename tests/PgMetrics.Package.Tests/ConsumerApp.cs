using System.Diagnostics;

namespace PgMetrics.Package.Tests;

/// <summary>A console app in a temp folder that references the packed PgMetrics.Runtime like a user's app does.</summary>
internal sealed class ConsumerApp : IDisposable
{
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("pgmetrics-consumer-").FullName;

    public ConsumerApp()
    {
        var version = LocalPackages.Version("PgMetrics.Runtime");
        LocalPackages.WriteNuGetConfig(_directory);
        Write("ShopApp.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RootNamespace>ShopApp</RootNamespace>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <!-- Auditing asks nuget.org for vulnerability data; when the feed does not answer, NU1900 would fail the build for a reason that is not the package's. -->
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="PgMetrics.Runtime" Version="{version}" />
              </ItemGroup>
            </Project>
            """);

        // Outside the repository, so none of its Directory.Build.props or central versions apply.
        Write("Directory.Build.props", "<Project />");
        Write("Directory.Packages.props", "<Project />");
    }

    public string Folder => _directory;

    public void Write(string relativePath, string text) => File.WriteAllText(Path.Combine(_directory, relativePath), text);

    public Task<(int ExitCode, string Output)> BuildAsync(CancellationToken cancellationToken)
        => DotnetAsync(cancellationToken, "build", "-c", "Release", "--nologo", "-v", "q");

    public Task<(int ExitCode, string Output)> RunAsync(string connectionString, CancellationToken cancellationToken)
        => DotnetAsync(cancellationToken, Path.Combine(_directory, "bin", "Release", "net10.0", "ShopApp.dll"), connectionString);

    private async Task<(int ExitCode, string Output)> DotnetAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("NUGET_PACKAGES");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await errors);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Leftovers in the temp folder must not fail the test.
        }
    }
}
