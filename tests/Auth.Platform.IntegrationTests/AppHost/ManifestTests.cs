using Auth.Platform.AppHost;
using Auth.Platform.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace Auth.Platform.IntegrationTests.AppHost;

/// <summary>aspire-manifest.json and deploy/ are generated and committed: a change to the graph must regenerate them.</summary>
public sealed class ManifestTests : IDisposable
{
    private const string Regenerate = "stale: run `dotnet run --project AppHost -- publish` and commit the result";
    private readonly string _output = Directory.CreateTempSubdirectory("auth-platform-publish-").FullName;

    [Fact]
    public void Publish_ToTemporaryDirectory_ProducesTheCommittedManifest()
    {
        var repository = Publish();

        var expected = File.ReadAllText(Path.Combine(repository.Root, ManifestPublisher.FileName));
        var actual = File.ReadAllText(Path.Combine(_output, ManifestPublisher.FileName));
        Assert.True(expected == actual, $"{ManifestPublisher.FileName} is {Regenerate}.");
    }

    [Fact]
    public void Publish_ToTemporaryDirectory_ProducesTheCommittedKubernetesManifests()
    {
        var repository = Publish();

        var committed = Path.Combine(repository.Root, "deploy");
        var generated = Path.Combine(_output, "deploy");
        var committedFiles = Directory.GetFiles(committed).Select(Path.GetFileName).Where(f => f != "parameters.env").Order().ToList();
        var generatedFiles = Directory.GetFiles(generated).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(generatedFiles, committedFiles);
        foreach (var file in generatedFiles)
        {
            Assert.True(File.ReadAllText(Path.Combine(committed, file!)) == File.ReadAllText(Path.Combine(generated, file!)), $"deploy/{file} is {Regenerate}.");
        }
    }

    [Fact]
    public void Manifest_DescribesRedisWithTheTcpScheme()
    {
        var manifest = System.Text.Json.JsonDocument.Parse(ManifestPublisher.Render(Graph()));

        var redis = manifest.RootElement.GetProperty("resources").GetProperty("redis");
        Assert.Equal("container.v0", redis.GetProperty("type").GetString());
        Assert.Equal("tcp", redis.GetProperty("bindings").GetProperty("tcp").GetProperty("scheme").GetString());
        Assert.Equal("{redis.bindings.tcp.host}:{redis.bindings.tcp.port}", redis.GetProperty("connectionString").GetString());
    }

    private RepositoryLayout Publish()
    {
        var repository = RepositoryLayout.Locate();
        Publisher.PublishAll(Graph(), EmptyConfiguration, repository.Root, _output);
        return repository;
    }

    // Publishing must not depend on the environment of whoever runs the tests.
    private static readonly IConfiguration EmptyConfiguration = new ConfigurationBuilder().Build();

    private static IReadOnlyList<Resource> Graph()
    {
        var builder = new PlatformBuilder(EmptyConfiguration);
        PlatformTopology.Build(builder);
        return builder.Resources;
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);
}
