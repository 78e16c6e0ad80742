using Microsoft.Extensions.Configuration;

namespace Auth.Platform.AppHost.Hosting;

/// <summary>
/// Kubernetes manifests from the same graph: one file per resource and a kustomization.yaml. Secrets come from one
/// Secret, <c>platform-parameters</c>, that kustomize generates from <c>deploy/parameters.env</c> (never committed;
/// <c>parameters.env.example</c> lists the keys). Connection strings that embed a password are composed in the pod
/// with Kubernetes' <c>$(VAR)</c> expansion so the password never lands in a ConfigMap.
/// </summary>
public static class KubernetesPublisher
{
    public const string ParametersSecret = "platform-parameters";
    private const int ContainerPort = 8080;

    public static void Write(IReadOnlyList<Resource> resources, IConfiguration configuration, string directory)
    {
        Directory.CreateDirectory(directory);
        var publicUrl = configuration["Platform:PublicUrl"] ?? "http://localhost:5055";
        var files = new List<string>();
        void Emit(string name, params YamlMap[] documents)
        {
            File.WriteAllText(Path.Combine(directory, name), Yaml.Documents(documents));
            files.Add(name);
        }

        foreach (var resource in resources)
        {
            switch (resource)
            {
                case PostgresServerResource postgres:
                    Emit($"{postgres.Name}.yaml", Service(postgres.Name, 5432, 5432), StatefulSet(postgres.Name, ManifestPublisher.PostgresImage, 5432,
                        [Env("POSTGRES_USER", "postgres"), SecretEnv("POSTGRES_PASSWORD", postgres.Password), Env("PGDATA", "/var/lib/postgresql/data/pgdata")],
                        "/var/lib/postgresql/data", Exec("pg_isready", "-U", "postgres")));
                    break;
                case RedisResource redis:
                    Emit($"{redis.Name}.yaml", Service(redis.Name, 6379, 6379),
                        Deployment(redis.Name, ManifestPublisher.RedisImage, 6379, [], null, [], null, Tcp(6379), Tcp(6379)));
                    break;
                case RabbitMQServerResource rabbit:
                    Emit($"{rabbit.Name}.yaml", Service(rabbit.Name, 5672, 5672), StatefulSet(rabbit.Name, ManifestPublisher.RabbitMQImage, 5672,
                        [Env("RABBITMQ_DEFAULT_USER", "guest"), SecretEnv("RABBITMQ_DEFAULT_PASS", rabbit.Password)],
                        "/var/lib/rabbitmq", Tcp(5672)));
                    break;
                case ProjectResource project:
                    Emit($"{project.Name}.yaml", ProjectDocuments(project, publicUrl).ToArray());
                    break;
            }
        }

        var parameters = resources.OfType<ParameterResource>().ToList();
        File.WriteAllText(Path.Combine(directory, "parameters.env.example"),
            "# Copy to parameters.env (git-ignored) and fill in; kustomize turns it into the Secret '" + ParametersSecret + "'.\n" +
            string.Concat(parameters.Select(p => $"{p.Name}=\n")));
        File.WriteAllText(Path.Combine(directory, "kustomization.yaml"), Yaml.Documents([new YamlMap
        {
            ["apiVersion"] = "kustomize.config.k8s.io/v1beta1",
            ["kind"] = "Kustomization",
            ["resources"] = files.Cast<object>().ToList(),
            ["secretGenerator"] = new List<object> { new YamlMap { ["name"] = ParametersSecret, ["envs"] = new List<object> { "parameters.env" } } },
        }]));
    }

    private static IEnumerable<YamlMap> ProjectDocuments(ProjectResource project, string publicUrl)
    {
        // Non-secret values go to a ConfigMap; anything carrying a parameter stays in the pod spec (secretKeyRef).
        var config = new YamlMap
        {
            ["ASPNETCORE_URLS"] = $"http://+:{ContainerPort}",
            ["OTEL_SERVICE_NAME"] = project.Name,
        };
        var secretEnv = new List<object>();
        var parametersNeeded = new List<ParameterResource>();
        foreach (var dependency in project.References)
        {
            switch (dependency)
            {
                case ProjectResource target:
                    config[$"services__{target.Name}__http__0"] = $"http://{target.Name}";
                    break;
                case IResourceWithConnectionString:
                    var (value, parameter) = ConnectionString(dependency);
                    if (parameter is null) config[$"ConnectionStrings__{dependency.Name}"] = value;
                    else
                    {
                        if (!parametersNeeded.Contains(parameter)) parametersNeeded.Add(parameter);
                        secretEnv.Add(Env($"ConnectionStrings__{dependency.Name}", value));
                    }
                    break;
            }
        }
        foreach (var (key, value) in project.Environment)
        {
            switch (value)
            {
                case { Parameter: { } parameter }: secretEnv.Add(SecretEnv(key, parameter)); break;
                case { Endpoint: not null }: config[key] = publicUrl; break;
                default: config[key] = value.Literal; break;
            }
        }
        // Declared before the values that expand them: Kubernetes resolves $(VAR) only from earlier entries.
        var env = parametersNeeded.Select(p => (object)SecretEnv(VariableFor(p), p)).Concat(secretEnv).ToList();
        var image = $"auth-platform/{project.Name}:latest";
        var configMap = $"{project.Name}-env";

        yield return new YamlMap
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = Metadata(configMap),
            ["data"] = config,
        };
        var external = project.ExternalHttpPort is not null;
        yield return Service(project.Name, 80, ContainerPort, external ? "LoadBalancer" : null);
        yield return Deployment(project.Name, image, ContainerPort, env, configMap, [], null, HttpGet("/alive"), HttpGet("/health"));
        if (project.HasDatabase)
        {
            yield return new YamlMap
            {
                ["apiVersion"] = "batch/v1",
                ["kind"] = "Job",
                ["metadata"] = Metadata($"{project.Name}-migrate"),
                ["spec"] = new YamlMap
                {
                    ["backoffLimit"] = 6,
                    ["template"] = new YamlMap
                    {
                        ["metadata"] = new YamlMap { ["labels"] = new YamlMap { ["app"] = $"{project.Name}-migrate" } },
                        ["spec"] = new YamlMap
                        {
                            ["restartPolicy"] = "OnFailure",
                            ["containers"] = new List<object>
                            {
                                Container("migrate", image, null, env, configMap, ["dotnet", $"/app/{project.AssemblyName}.dll", "--migrate"]),
                            },
                        },
                    },
                },
            };
        }
    }

    private static (string Value, ParameterResource? Parameter) ConnectionString(Resource resource) => resource switch
    {
        PostgresServerResource p => ($"Host={p.Name};Port=5432;Username=postgres;Password=$({VariableFor(p.Password)})", p.Password),
        PostgresDatabaseResource d => (ConnectionString(d.Server).Value + $";Database={d.DatabaseName}", d.Server.Password),
        RedisResource r => ($"{r.Name}:6379", null),
        RabbitMQServerResource q => ($"amqp://guest:$({VariableFor(q.Password)})@{q.Name}:5672", q.Password),
        _ => throw new NotSupportedException(resource.Name),
    };

    private static string VariableFor(ParameterResource parameter) => parameter.Name.Replace('-', '_').ToUpperInvariant();

    private static YamlMap Metadata(string name) => new() { ["name"] = name, ["labels"] = new YamlMap { ["app"] = name, ["app.kubernetes.io/part-of"] = "auth-platform" } };

    private static YamlMap Env(string name, string value) => new() { ["name"] = name, ["value"] = value };

    private static YamlMap SecretEnv(string name, ParameterResource parameter) => new()
    {
        ["name"] = name,
        ["valueFrom"] = new YamlMap { ["secretKeyRef"] = new YamlMap { ["name"] = ParametersSecret, ["key"] = parameter.Name } },
    };

    private static YamlMap HttpGet(string path) => new()
    {
        ["httpGet"] = new YamlMap { ["path"] = path, ["port"] = ContainerPort },
        ["periodSeconds"] = 10,
    };

    private static YamlMap Tcp(int port) => new() { ["tcpSocket"] = new YamlMap { ["port"] = port }, ["periodSeconds"] = 10 };

    private static YamlMap Exec(params string[] command) => new()
    {
        ["exec"] = new YamlMap { ["command"] = command.Cast<object>().ToList() },
        ["periodSeconds"] = 10,
    };

    private static YamlMap Service(string name, int port, int targetPort, string? type = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = Metadata(name),
        ["spec"] = new YamlMap
        {
            ["type"] = type,
            ["selector"] = new YamlMap { ["app"] = name },
            ["ports"] = new List<object> { new YamlMap { ["name"] = "main", ["port"] = port, ["targetPort"] = targetPort } },
        },
    };

    private static YamlMap Container(string name, string image, int? port, List<object> env, string? configMap, List<object>? command,
        YamlMap? liveness = null, YamlMap? readiness = null, List<object>? volumeMounts = null) => new()
    {
        ["name"] = name,
        ["image"] = image,
        ["command"] = command,
        ["ports"] = port is { } p ? new List<object> { new YamlMap { ["containerPort"] = p } } : null,
        ["envFrom"] = configMap is null ? null : new List<object> { new YamlMap { ["configMapRef"] = new YamlMap { ["name"] = configMap } } },
        ["env"] = env.Count > 0 ? env : null,
        ["livenessProbe"] = liveness,
        ["readinessProbe"] = readiness,
        ["volumeMounts"] = volumeMounts,
    };

    private static YamlMap Deployment(string name, string image, int port, List<object> env, string? configMap, List<object> volumes,
        List<object>? volumeMounts, YamlMap liveness, YamlMap readiness) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = Metadata(name),
        ["spec"] = new YamlMap
        {
            ["replicas"] = 1,
            ["selector"] = new YamlMap { ["matchLabels"] = new YamlMap { ["app"] = name } },
            ["template"] = new YamlMap
            {
                ["metadata"] = new YamlMap { ["labels"] = new YamlMap { ["app"] = name } },
                ["spec"] = new YamlMap
                {
                    ["containers"] = new List<object> { Container(name, image, port, env, configMap, null, liveness, readiness, volumeMounts) },
                    ["volumes"] = volumes.Count > 0 ? volumes : null,
                },
            },
        },
    };

    private static YamlMap StatefulSet(string name, string image, int port, List<object> env, string dataPath, YamlMap readiness) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "StatefulSet",
        ["metadata"] = Metadata(name),
        ["spec"] = new YamlMap
        {
            ["serviceName"] = name,
            ["replicas"] = 1,
            ["selector"] = new YamlMap { ["matchLabels"] = new YamlMap { ["app"] = name } },
            ["template"] = new YamlMap
            {
                ["metadata"] = new YamlMap { ["labels"] = new YamlMap { ["app"] = name } },
                ["spec"] = new YamlMap
                {
                    ["containers"] = new List<object>
                    {
                        Container(name, image, port, env, null, null, null, readiness,
                            [new YamlMap { ["name"] = "data", ["mountPath"] = dataPath }]),
                    },
                },
            },
            ["volumeClaimTemplates"] = new List<object>
            {
                new YamlMap
                {
                    ["metadata"] = new YamlMap { ["name"] = "data" },
                    ["spec"] = new YamlMap
                    {
                        ["accessModes"] = new List<object> { "ReadWriteOnce" },
                        ["resources"] = new YamlMap { ["requests"] = new YamlMap { ["storage"] = "1Gi" } },
                    },
                },
            },
        },
    };
}
