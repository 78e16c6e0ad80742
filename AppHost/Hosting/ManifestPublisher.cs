using System.Text;
using System.Text.Json;

namespace Auth.Platform.AppHost.Hosting;

public static class Publisher
{
    /// <summary>publish mode: aspire-manifest.json and deploy/ in <paramref name="outputDirectory"/>.</summary>
    public static void PublishAll(IReadOnlyList<Resource> resources, Microsoft.Extensions.Configuration.IConfiguration configuration, string repositoryRoot, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        File.WriteAllText(Path.Combine(outputDirectory, ManifestPublisher.FileName), ManifestPublisher.Render(resources));
        KubernetesPublisher.Write(resources, configuration, Path.Combine(outputDirectory, "deploy"));
    }
}

/// <summary>
/// Aspire's manifest format (https://json.schemastore.org/aspire-8.0.json), so deployment tools that read it
/// (azd, aspirate) work and moving to real Aspire later changes nothing downstream. Project paths are relative to
/// the repository root, where the manifest is committed, wherever it is written: the output is byte-for-byte
/// reproducible, which the staleness test relies on.
/// </summary>
public static class ManifestPublisher
{
    public const string FileName = "aspire-manifest.json";
    public const string Schema = "https://json.schemastore.org/aspire-8.0.json";

    public const string PostgresImage = "docker.io/library/postgres:17";
    public const string RedisImage = "docker.io/library/redis:7";
    public const string RabbitMQImage = "docker.io/library/rabbitmq:3-management";

    public static string ConnectionStringExpression(Resource resource) => resource switch
    {
        PostgresServerResource p => $"Host={{{p.Name}.bindings.tcp.host}};Port={{{p.Name}.bindings.tcp.port}};Username=postgres;Password={{{p.Password.Name}.value}}",
        PostgresDatabaseResource d => $"{{{d.Server.Name}.connectionString}};Database={d.DatabaseName}",
        RedisResource r => $"{{{r.Name}.bindings.tcp.host}}:{{{r.Name}.bindings.tcp.port}}",
        RabbitMQServerResource q => $"amqp://guest:{{{q.Password.Name}.value}}@{{{q.Name}.bindings.tcp.host}}:{{{q.Name}.bindings.tcp.port}}",
        _ => throw new NotSupportedException(resource.Name),
    };

    public static string Render(IReadOnlyList<Resource> resources)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, IndentSize = 2, NewLine = "\n", Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", Schema);
            json.WriteStartObject("resources");
            foreach (var resource in resources.Where(r => r is not IDevelopmentOnlyResource))
            {
                json.WriteStartObject(resource.Name);
                WriteResource(json, resource);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteResource(Utf8JsonWriter json, Resource resource)
    {
        switch (resource)
        {
            case ParameterResource parameter:
                json.WriteString("type", "parameter.v0");
                json.WriteString("value", $"{{{parameter.Name}.inputs.value}}");
                json.WriteStartObject("inputs");
                json.WriteStartObject("value");
                json.WriteString("type", "string");
                if (parameter.Secret)
                {
                    json.WriteBoolean("secret", true);
                    json.WriteStartObject("default");
                    json.WriteStartObject("generate");
                    json.WriteNumber("minLength", 22);
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
                json.WriteEndObject();
                json.WriteEndObject();
                break;

            case PostgresServerResource postgres:
                WriteContainer(json, postgres, PostgresImage, 5432, [
                    ("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256"),
                    ("POSTGRES_INITDB_ARGS", "--auth-host=scram-sha-256 --auth-local=scram-sha-256"),
                    ("POSTGRES_USER", "postgres"),
                    ("POSTGRES_PASSWORD", $"{{{postgres.Password.Name}.value}}"),
                ]);
                break;

            case RedisResource redis:
                WriteContainer(json, redis, RedisImage, 6379, []);
                break;

            case RabbitMQServerResource rabbit:
                WriteContainer(json, rabbit, RabbitMQImage, 5672, [
                    ("RABBITMQ_DEFAULT_USER", "guest"),
                    ("RABBITMQ_DEFAULT_PASS", $"{{{rabbit.Password.Name}.value}}"),
                ], managementPort: 15672);
                break;

            case PostgresDatabaseResource database:
                json.WriteString("type", "value.v0");
                json.WriteString("connectionString", ConnectionStringExpression(database));
                break;

            case ProjectResource project:
                json.WriteString("type", "project.v0");
                json.WriteString("path", project.ProjectPath);
                json.WriteStartObject("env");
                foreach (var (key, value) in ProjectEnvironment(project)) json.WriteString(key, value);
                json.WriteEndObject();
                json.WriteStartObject("bindings");
                json.WriteStartObject("http");
                json.WriteString("scheme", "http");
                json.WriteString("protocol", "tcp");
                json.WriteString("transport", "http");
                if (project.ExternalHttpPort is { } port)
                {
                    json.WriteNumber("port", port);
                    json.WriteBoolean("external", true);
                }
                json.WriteEndObject();
                json.WriteEndObject();
                break;

            default:
                throw new NotSupportedException(resource.GetType().Name);
        }
    }

    /// <summary>The same environment contract run mode injects, as manifest expressions.</summary>
    public static IEnumerable<(string Key, string Value)> ProjectEnvironment(ProjectResource project)
    {
        yield return ("OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES", "true");
        yield return ("OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES", "true");
        yield return ("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY", "in_memory");
        yield return ("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "true");
        yield return ("HTTP_PORTS", $"{{{project.Name}.bindings.http.targetPort}}");
        foreach (var dependency in project.References)
        {
            if (dependency is IResourceWithConnectionString) yield return ($"ConnectionStrings__{dependency.Name}", $"{{{dependency.Name}.connectionString}}");
            if (dependency is ProjectResource) yield return ($"services__{dependency.Name}__http__0", $"{{{dependency.Name}.bindings.http.url}}");
        }
        foreach (var (key, value) in project.Environment)
        {
            yield return (key, value switch
            {
                { Parameter: { } parameter } => $"{{{parameter.Name}.value}}",
                { Endpoint: { } endpoint } => $"{{{endpoint.Resource.Name}.bindings.http.url}}",
                _ => value.Literal!,
            });
        }
    }

    private static void WriteContainer(Utf8JsonWriter json, Resource resource, string image, int port, (string, string)[] environment, int? managementPort = null)
    {
        json.WriteString("type", "container.v0");
        json.WriteString("connectionString", ConnectionStringExpression(resource));
        json.WriteString("image", image);
        if (environment.Length > 0)
        {
            json.WriteStartObject("env");
            foreach (var (key, value) in environment) json.WriteString(key, value);
            json.WriteEndObject();
        }
        json.WriteStartObject("bindings");
        json.WriteStartObject("tcp");
        json.WriteString("scheme", "tcp");
        json.WriteString("protocol", "tcp");
        json.WriteString("transport", "tcp");
        json.WriteNumber("targetPort", port);
        json.WriteEndObject();
        if (managementPort is { } management)
        {
            json.WriteStartObject("management");
            json.WriteString("scheme", "http");
            json.WriteString("protocol", "tcp");
            json.WriteString("transport", "http");
            json.WriteNumber("targetPort", management);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }
}
