using System.Text.Json.Nodes;
using Auth.Platform.SsoConnector.Data;
using Auth.Platform.SsoConnector.ExternalAuth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.SsoConnector.Connectors;

public sealed record LocalizedText(string En);
public sealed record ConnectorFactoryResponse(string Id, string? Target, string Type, string Platform, LocalizedText Name, string Logo, string? LogoDark,
    LocalizedText Description, string Readme, bool IsStandard, IReadOnlyList<ConnectorFormItem> FormItems);
public sealed record ConnectorMetadata(string? Target = null, LocalizedText? Name = null, string? Logo = null, string? LogoDark = null);
/// <summary>Logto's connector response: the row merged with its factory. <c>config</c> carries the public fields only.</summary>
public sealed record ConnectorResponse(string Id, string ConnectorId, string Target, string Type, string Platform, LocalizedText Name, string Logo, string? LogoDark,
    LocalizedText Description, bool IsStandard, bool SyncProfile, bool EnableTokenStorage, JsonObject Config, ConnectorMetadata Metadata,
    IReadOnlyList<ConnectorFormItem> FormItems, DateTimeOffset CreatedAt);

public sealed record CreateConnectorRequest(string? ConnectorId, JsonObject? Config, ConnectorMetadata? Metadata = null, bool? SyncProfile = null,
    bool? EnableTokenStorage = null, string? Id = null);
public sealed record UpdateConnectorRequest(JsonObject? Config = null, ConnectorMetadata? Metadata = null, bool? SyncProfile = null, bool? EnableTokenStorage = null);
public sealed record ConnectorAuthorizationUriRequest(string? State, string? RedirectUri);
public sealed record ConnectorAuthorizationUriResponse(string RedirectTo);
public sealed record TestConnectorRequest(JsonObject? Config);

/// <summary>
/// Logto's Management API for social connectors (<c>/api/connector-factories</c>, <c>/api/connectors</c>). Logto's
/// SMS/email connectors are notification's providers here, so every factory is a social one.
/// </summary>
public static class ConnectorsApi
{
    public static IEndpointRouteBuilder MapConnectorsApi(this IEndpointRouteBuilder app)
    {
        var factories = app.MapGroup("/api/connector-factories").RequireAuthorization(PlatformPolicies.Management).WithTags("Connector factories");
        factories.MapGet("/", ListFactories);
        factories.MapGet("/{id}", GetFactory).ProducesProblem(404);

        var connectors = app.MapGroup("/api/connectors").RequireAuthorization(PlatformPolicies.Management).WithTags("Connectors");
        connectors.MapGet("/", List);
        connectors.MapPost("/", Create).ProducesProblem(400).ProducesProblem(422);
        connectors.MapGet("/{id}", Get).ProducesProblem(404);
        connectors.MapPatch("/{id}", Update).ProducesProblem(400).ProducesProblem(404);
        connectors.MapDelete("/{id}", Delete).ProducesProblem(404);
        connectors.MapPost("/{id}/authorization-uri", AuthorizationUri).ProducesProblem(400).ProducesProblem(404);
        connectors.MapPost("/{factoryId}/test", Test).ProducesProblem(400).ProducesProblem(404);
        return app;
    }

    public static ConnectorFactoryResponse ToResponse(ConnectorFactory f) =>
        new(f.Id, f.Target, "Social", "Universal", new(f.Name), LogoOf(f.Id), null, new(f.Description), f.Description, f.IsStandard, f.FormItems);

    private static string LogoOf(string factoryId) => $"/connectors/{factoryId}.svg";

    private static Ok<ConnectorFactoryResponse[]> ListFactories() => TypedResults.Ok(ConnectorFactories.All.Select(ToResponse).ToArray());

    private static Results<Ok<ConnectorFactoryResponse>, ProblemHttpResult> GetFactory(string id) =>
        ConnectorFactories.Find(id) is { } f ? TypedResults.Ok(ToResponse(f)) : NotFound(id);

    private static async Task<Ok<ConnectorResponse[]>> List(SsoConnectorDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.Connectors.AsNoTracking().OrderBy(c => c.CreatedAt).ToListAsync(ct)).Select(ToResponse).ToArray());

    private static async Task<Results<Ok<ConnectorResponse>, ProblemHttpResult>> Get(string id, SsoConnectorDbContext db, CancellationToken ct) =>
        await FindAsync(db, id, ct) is { } c ? TypedResults.Ok(ToResponse(c)) : NotFound(id);

    private static async Task<Results<Ok<ConnectorResponse>, ProblemHttpResult>> Create(CreateConnectorRequest body, SsoConnectorDbContext db,
        ConnectorConfigVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (body.ConnectorId is null || ConnectorFactories.Find(body.ConnectorId) is not { } factory)
            return PlatformProblems.Create(422, "connector.not_found_with_connector_id", "No connector factory has this connectorId.");
        if (body.Id is not null && !ConnectorIds.IsWellFormed(body.Id)) return PlatformProblems.Create(400, "guard.invalid_input", "id is invalid.");
        var config = body.Config ?? [];
        if (ConnectorConfigRules.Problem(config, factory.FormItems, requireAll: true) is { } problem)
            return PlatformProblems.Create(400, "connector.invalid_config", problem);
        var target = factory.Target ?? body.Metadata?.Target;
        if (factory.Target is not null && body.Metadata is not null)
            return PlatformProblems.Create(400, "connector.cannot_overwrite_metadata_for_non_standard_connector", "This connector's metadata cannot be overwritten.");
        if (!IsTarget(target)) return PlatformProblems.Create(400, "connector.should_specify_target", "Give metadata.target (letters, digits, '-' or '_').");
        if (await db.Connectors.AnyAsync(c => c.Target == target, ct)) return TargetTaken();
        var (publicConfig, secrets) = vault.Seal(config, factory.SecretKeys);
        var connector = new SocialConnector
        {
            Id = body.Id ?? ConnectorIds.New(),
            ConnectorId = factory.Id,
            Target = target!,
            Config = publicConfig,
            Secrets = secrets,
            Metadata = System.Text.Json.JsonSerializer.Serialize(body.Metadata ?? new ConnectorMetadata(), JsonDefaults.Web),
            SyncProfile = body.SyncProfile ?? false,
            EnableTokenStorage = body.EnableTokenStorage ?? false,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Connectors.Add(connector);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Lost a race for the target (or the id): the unique index decides.
            return await db.Connectors.AnyAsync(c => c.Id == connector.Id, ct)
                ? PlatformProblems.Create(422, "entity.id_exists", "A connector with this id exists.")
                : TargetTaken();
        }
        return TypedResults.Ok(ToResponse(connector));
    }

    private static async Task<Results<Ok<ConnectorResponse>, ProblemHttpResult>> Update(string id, UpdateConnectorRequest body, SsoConnectorDbContext db,
        ConnectorConfigVault vault, CancellationToken ct)
    {
        if (await FindAsync(db, id, ct) is not { } connector) return NotFound(id);
        var factory = ConnectorFactories.Find(connector.ConnectorId)!;
        if (body.Metadata is not null)
        {
            if (!factory.IsStandard)
                return PlatformProblems.Create(400, "connector.cannot_overwrite_metadata_for_non_standard_connector", "This connector's metadata cannot be overwritten.");
            if (body.Metadata.Target is not null && body.Metadata.Target != connector.Target)
                return PlatformProblems.Create(400, "connector.can_not_modify_target", "The connector's target cannot be modified.");
            connector.Metadata = System.Text.Json.JsonSerializer.Serialize(body.Metadata with { Target = connector.Target }, JsonDefaults.Web);
        }
        if (body.Config is not null)
        {
            // A full replacement of the public fields; secrets left out keep their value (write-only fields are never read back).
            var kept = vault.Open("{}", connector.Secrets);
            if (ConnectorConfigRules.Problem(body.Config, factory.FormItems, requireAll: true, isStillSet: key => kept.ContainsKey(key)) is { } problem)
                return PlatformProblems.Create(400, "connector.invalid_config", problem);
            (connector.Config, connector.Secrets) = vault.Seal(body.Config, factory.SecretKeys, connector.Secrets);
        }
        if (body.SyncProfile is { } sync) connector.SyncProfile = sync;
        if (body.EnableTokenStorage is { } store) connector.EnableTokenStorage = store;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToResponse(connector));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, SsoConnectorDbContext db, CancellationToken ct)
    {
        if (!ConnectorIds.IsWellFormed(id)) return NotFound(id);
        return await db.Connectors.Where(c => c.Id == id).ExecuteDeleteAsync(ct) == 0 ? NotFound(id) : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ConnectorAuthorizationUriResponse>, ProblemHttpResult>> AuthorizationUri(string id,
        ConnectorAuthorizationUriRequest body, ExternalSignIn signIn, CancellationToken ct)
    {
        if (!ConnectorIds.IsWellFormed(id)) return NotFound(id);
        var started = await signIn.StartAsync(id, new StartRequest(body.State, body.RedirectUri, null), ct);
        return started.Problem is { } problem ? problem : TypedResults.Ok(new ConnectorAuthorizationUriResponse(started.Value!.AuthorizationUri));
    }

    /// <summary>
    /// Logto sends a test message through a passwordless connector; a social factory has nothing to send, so the
    /// test checks the configuration the way a sign-in would use it (an OIDC issuer must serve its discovery document).
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Test(string factoryId, TestConnectorRequest body, ExternalSignIn signIn, CancellationToken ct)
    {
        if (ConnectorFactories.Find(factoryId) is not { } factory) return NotFound(factoryId);
        var config = body.Config ?? [];
        if (ConnectorConfigRules.Problem(config, factory.FormItems, requireAll: true) is { } problem)
            return PlatformProblems.Create(400, "connector.invalid_config", problem);
        var resolved = await signIn.ResolveAsync(ExternalProviderSettings.FromSocial(factory, config), ct);
        return resolved.Problem is { } failure ? failure : TypedResults.NoContent();
    }

    private static bool IsTarget(string? target) =>
        !string.IsNullOrEmpty(target) && target.Length <= 64 && target.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static ProblemHttpResult TargetTaken() =>
        PlatformProblems.Create(422, "connector.multiple_target_with_same_platform", "A social connector with this target exists.");

    public static ProblemHttpResult NotFound(string id) =>
        PlatformProblems.Create(404, "entity.not_exists_with_id", "No entity has this id.", new { id });

    private static async Task<SocialConnector?> FindAsync(SsoConnectorDbContext db, string id, CancellationToken ct) =>
        ConnectorIds.IsWellFormed(id) ? await db.Connectors.FirstOrDefaultAsync(c => c.Id == id, ct) : null;

    public static ConnectorResponse ToResponse(SocialConnector c)
    {
        var factory = ConnectorFactories.Find(c.ConnectorId)!;
        var metadata = System.Text.Json.JsonSerializer.Deserialize<ConnectorMetadata>(c.Metadata, JsonDefaults.Web) ?? new();
        return new(c.Id, c.ConnectorId, c.Target, "Social", "Universal", metadata.Name ?? new(factory.Name), metadata.Logo ?? LogoOf(factory.Id),
            metadata.LogoDark, new(factory.Description), factory.IsStandard, c.SyncProfile, c.EnableTokenStorage, ConnectorConfigVault.Public(c.Config),
            metadata with { Target = c.Target }, factory.FormItems, c.CreatedAt);
    }
}

public static class JsonDefaults
{
    public static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}

public static class DbErrors
{
    public static bool IsUniqueViolation(this DbUpdateException e) =>
        e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation };
}
