namespace Auth.Platform.AppHost.Hosting;

/// <summary>A node of the resource graph. Names are lower-kebab and double as configuration keys.</summary>
public abstract class Resource(string name)
{
    public string Name { get; } = name;

    /// <summary>Resources this one needs healthy before it starts (Aspire's <c>WaitFor</c>).</summary>
    public List<Resource> Dependencies { get; } = [];

    /// <summary>Resources whose address is injected (Aspire's <c>WithReference</c>): connection strings, service discovery.</summary>
    public List<Resource> References { get; } = [];

    public abstract string TypeName { get; }
}

/// <summary>A resource that others reach through <c>ConnectionStrings__{Name}</c>.</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }
}

/// <summary>A value supplied at deploy time (Aspire's parameter.v0); generated when secret and not set.</summary>
public sealed class ParameterResource(string name, bool secret, string? configurationKey) : Resource(name)
{
    public bool Secret { get; } = secret;

    /// <summary>Where run mode reads the value (Aspire's default is <c>Parameters:{name}</c>).</summary>
    public string ConfigurationKey { get; } = configurationKey ?? $"Parameters:{name}";

    public override string TypeName => "Parameter";
}

public sealed class PostgresServerResource(string name, ParameterResource password) : Resource(name), IResourceWithConnectionString
{
    public ParameterResource Password { get; } = password;
    public List<PostgresDatabaseResource> Databases { get; } = [];
    public override string TypeName => "PostgreSQL";
}

public sealed class PostgresDatabaseResource(string name, PostgresServerResource server) : Resource(name), IResourceWithConnectionString
{
    public PostgresServerResource Server { get; } = server;
    public string DatabaseName => Name;
    public override string TypeName => "Database";
}

public sealed class RedisResource(string name) : Resource(name), IResourceWithConnectionString
{
    public override string TypeName => "Redis";
}

public sealed class RabbitMQServerResource(string name, ParameterResource password) : Resource(name), IResourceWithConnectionString
{
    public ParameterResource Password { get; } = password;
    public override string TypeName => "RabbitMQ";
}

/// <summary>The http endpoint of a project, e.g. the gateway's public URL (Aspire's EndpointReference).</summary>
public sealed record EndpointReference(ProjectResource Resource);

/// <summary>An environment value: a literal, a parameter (a Secret in Kubernetes) or another project's endpoint.</summary>
public sealed record EnvironmentValue(string? Literal, ParameterResource? Parameter = null, EndpointReference? Endpoint = null)
{
    public static implicit operator EnvironmentValue(string literal) => new(literal);
}

/// <summary>A .NET project of this repository, launched from its built assembly.</summary>
public sealed class ProjectResource(string name, string projectPath) : Resource(name)
{
    /// <summary>Relative to the repository root, forward slashes.</summary>
    public string ProjectPath { get; } = projectPath.Replace('\\', '/');

    public string ProjectDirectory => Path.GetDirectoryName(ProjectPath)!.Replace('\\', '/');
    public string AssemblyName => Path.GetFileNameWithoutExtension(ProjectPath);

    /// <summary>Fixed public port (the gateway); null = a free port chosen at start.</summary>
    public int? ExternalHttpPort { get; set; }

    /// <summary>Ordered so that manifests are stable.</summary>
    public List<KeyValuePair<string, EnvironmentValue>> Environment { get; } = [];

    /// <summary>Set only in Development (run mode), e.g. the demo client.</summary>
    public List<KeyValuePair<string, string>> DevelopmentEnvironment { get; } = [];

    /// <summary>Development-only services (the SMTP sink) injected and waited for in Development run mode; never published.</summary>
    public List<Resource> DevelopmentReferences { get; } = [];

    /// <summary>Projects with a database run <c>dotnet app.dll --migrate</c> as a Kubernetes Job before rollout.</summary>
    public bool HasDatabase => References.OfType<PostgresDatabaseResource>().Any();

    public override string TypeName => "Project";
}

/// <summary>A resource that exists only for local development: run mode starts it, publishing leaves it out.</summary>
public interface IDevelopmentOnlyResource;

/// <summary>
/// maildev (npm, from tests/node): an SMTP sink with a web inbox, so codes and links sent by email can be read at
/// its URL (and by tests at <c>GET {url}/api/email</c>). Production sends through a real SMTP relay instead.
/// </summary>
public sealed class MailDevResource(string name) : Resource(name), IDevelopmentOnlyResource
{
    public const string Sender = "no-reply@auth-platform.localhost";
    public override string TypeName => "MailDev";
}
