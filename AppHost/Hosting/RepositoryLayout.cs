using System.Reflection;

namespace Auth.Platform.AppHost.Hosting;

/// <summary>Where the repository is and which build Configuration's assemblies to launch.</summary>
public sealed record RepositoryLayout(string Root, string Configuration)
{
    public const string SolutionFile = "Auth.Platform.sln";

    /// <summary>The Configuration this AppHost was compiled in: projects built alongside it share it.</summary>
    public static string BuildConfiguration =>
        typeof(RepositoryLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "Configuration")?.Value ?? "Debug";

    public static RepositoryLayout Locate()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return new(dir.FullName, BuildConfiguration);
            }
        }
        throw new InvalidOperationException($"{SolutionFile} not found above {AppContext.BaseDirectory}: run from the repository.");
    }

    public string AssemblyPath(ProjectResource project) =>
        Path.Combine(Root, project.ProjectDirectory, "bin", Configuration, "net10.0", project.AssemblyName + ".dll");
}
