using Microsoft.Extensions.Configuration;

namespace Auth.Platform.AppHost.Hosting;

/// <summary>What the topology is written against: the AppHost's builder and the test host's share it.</summary>
public interface IPlatformBuilder
{
    IConfiguration Configuration { get; }
    IReadOnlyList<Resource> Resources { get; }

    IResourceBuilder<ParameterResource> AddParameter(string name, bool secret = false, string? configurationKey = null);
    IResourceBuilder<PostgresServerResource> AddPostgres(string name);
    IResourceBuilder<RedisResource> AddRedis(string name);
    IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(string name);
    IResourceBuilder<ProjectResource> AddProject(string name, string projectPath);
    IResourceBuilder<MailDevResource> AddMailDev(string name);
}

public interface IResourceBuilder<out T> where T : Resource
{
    IPlatformBuilder ApplicationBuilder { get; }
    T Resource { get; }
}

internal sealed record ResourceBuilder<T>(IPlatformBuilder ApplicationBuilder, T Resource) : IResourceBuilder<T> where T : Resource;

public class PlatformBuilder(IConfiguration configuration) : IPlatformBuilder
{
    private readonly List<Resource> _resources = [];

    public IConfiguration Configuration { get; } = configuration;
    public IReadOnlyList<Resource> Resources => _resources;

    private IResourceBuilder<T> Add<T>(T resource) where T : Resource
    {
        if (_resources.Any(r => r.Name == resource.Name))
            throw new InvalidOperationException($"A resource named '{resource.Name}' already exists.");
        _resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    public IResourceBuilder<ParameterResource> AddParameter(string name, bool secret = false, string? configurationKey = null) =>
        Add(new ParameterResource(name, secret, configurationKey));

    public IResourceBuilder<PostgresServerResource> AddPostgres(string name)
    {
        var password = AddParameter($"{name}-password", secret: true).Resource;
        return Add(new PostgresServerResource(name, password));
    }

    public IResourceBuilder<RedisResource> AddRedis(string name) => Add(new RedisResource(name));

    public IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(string name)
    {
        var password = AddParameter($"{name}-password", secret: true).Resource;
        return Add(new RabbitMQServerResource(name, password));
    }

    public IResourceBuilder<ProjectResource> AddProject(string name, string projectPath) => Add(new ProjectResource(name, projectPath));

    public IResourceBuilder<MailDevResource> AddMailDev(string name) => Add(new MailDevResource(name));

    internal IResourceBuilder<PostgresDatabaseResource> AddDatabase(PostgresServerResource server, string name)
    {
        var database = new PostgresDatabaseResource(name, server);
        database.Dependencies.Add(server);
        server.Databases.Add(database);
        return Add(database);
    }
}

/// <summary>Aspire-shaped extension methods so Program.cs reads like an Aspire AppHost.</summary>
public static class ResourceBuilderExtensions
{
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> server, string name) =>
        ((PlatformBuilder)server.ApplicationBuilder).AddDatabase(server.Resource, name);

    /// <summary>Injects the dependency's address (connection string or service-discovery URL) without waiting for it.</summary>
    public static IResourceBuilder<ProjectResource> WithReference<T>(this IResourceBuilder<ProjectResource> project, IResourceBuilder<T> dependency)
        where T : Resource
    {
        if (dependency.Resource is not (IResourceWithConnectionString or ProjectResource))
            throw new InvalidOperationException($"'{dependency.Resource.Name}' cannot be referenced.");
        project.Resource.References.Add(dependency.Resource);
        return project;
    }

    /// <summary>Starts the project only once the dependency is healthy.</summary>
    public static IResourceBuilder<ProjectResource> WaitFor<T>(this IResourceBuilder<ProjectResource> project, IResourceBuilder<T> dependency)
        where T : Resource
    {
        project.Resource.Dependencies.Add(dependency.Resource);
        return project;
    }

    public static IResourceBuilder<ProjectResource> WithExternalHttpEndpoint(this IResourceBuilder<ProjectResource> project, int port)
    {
        project.Resource.ExternalHttpPort = port;
        return project;
    }

    public static IResourceBuilder<ProjectResource> WithEnvironment(this IResourceBuilder<ProjectResource> project, string name, string value)
    {
        project.Resource.Environment.Add(new(name, value));
        return project;
    }

    public static IResourceBuilder<ProjectResource> WithEnvironment(this IResourceBuilder<ProjectResource> project, string name, IResourceBuilder<ParameterResource> parameter)
    {
        project.Resource.Environment.Add(new(name, new EnvironmentValue(null, parameter.Resource)));
        return project;
    }

    public static IResourceBuilder<ProjectResource> WithEnvironment(this IResourceBuilder<ProjectResource> project, string name, EndpointReference endpoint)
    {
        project.Resource.Environment.Add(new(name, new EnvironmentValue(null, Endpoint: endpoint)));
        return project;
    }

    public static EndpointReference GetEndpoint(this IResourceBuilder<ProjectResource> project) => new(project.Resource);

    /// <summary>
    /// Development run mode sends this project's email to the sink (<c>Smtp__Host/Port/From</c>) once it is up;
    /// published deployments configure a real relay through <c>Smtp__*</c> instead.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithMailDev(this IResourceBuilder<ProjectResource> project, IResourceBuilder<MailDevResource> maildev)
    {
        project.Resource.DevelopmentReferences.Add(maildev.Resource);
        return project;
    }

    /// <summary>Only in the Development environment of run mode; never published.</summary>
    public static IResourceBuilder<ProjectResource> WithDevelopmentEnvironment(this IResourceBuilder<ProjectResource> project, string name, string value)
    {
        project.Resource.DevelopmentEnvironment.Add(new(name, value));
        return project;
    }
}
