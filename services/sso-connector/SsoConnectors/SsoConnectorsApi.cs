using System.Text.Json.Nodes;
using Auth.Platform.SsoConnector.Connectors;
using Auth.Platform.SsoConnector.Data;
using Auth.Platform.SsoConnector.Saml;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.SsoConnector.SsoConnectors;

public sealed record SsoConnectorProviderResponse(string ProviderName, string ProviderType, string Name, string Description, string Logo, string? LogoDark,
    IReadOnlyList<ConnectorFormItem> FormItems);
public sealed record SsoBranding(string? DisplayName = null, string? Logo = null, string? DarkLogo = null);
public sealed record ServiceProviderConfig(string EntityId, string AssertionConsumerServiceUrl, string MetadataUrl);
public sealed record SsoProviderConfig(ServiceProviderConfig? ServiceProvider);
/// <summary>Logto's <c>SsoConnectorWithProviderConfig</c>; <c>config</c> carries the public fields only.</summary>
public sealed record SsoConnectorResponse(string Id, string ProviderName, string ConnectorName, JsonObject Config, string[] Domains, SsoBranding Branding,
    bool SyncProfile, bool EnableTokenStorage, DateTimeOffset CreatedAt, string Name, string ProviderType, string ProviderLogo, string? ProviderLogoDark,
    SsoProviderConfig? ProviderConfig);

public sealed record CreateSsoConnectorRequest(string? ProviderName, string? ConnectorName, JsonObject? Config = null, string[]? Domains = null,
    SsoBranding? Branding = null, bool? SyncProfile = null, bool? EnableTokenStorage = null);
public sealed record UpdateSsoConnectorRequest(string? ConnectorName = null, JsonObject? Config = null, string[]? Domains = null,
    SsoBranding? Branding = null, bool? SyncProfile = null, bool? EnableTokenStorage = null);

/// <summary>Logto's Management API for enterprise SSO (<c>/api/sso-connector-providers</c>, <c>/api/sso-connectors</c>).</summary>
public static class SsoConnectorsApi
{
    public static IEndpointRouteBuilder MapSsoConnectorsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sso-connector-providers", ListProviders).RequireAuthorization(PlatformPolicies.Management).WithTags("SSO connectors");
        var group = app.MapGroup("/api/sso-connectors").RequireAuthorization(PlatformPolicies.Management).WithTags("SSO connectors");
        group.MapGet("/", List);
        group.MapPost("/", Create).ProducesProblem(400).ProducesProblem(409).ProducesProblem(422);
        group.MapGet("/{id}", Get).ProducesProblem(404);
        group.MapPatch("/{id}", Update).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
        group.MapDelete("/{id}", Delete).ProducesProblem(404);
        return app;
    }

    private static Ok<SsoConnectorProviderResponse[]> ListProviders() =>
        TypedResults.Ok(SsoConnectorProviders.All.Select(p => new SsoConnectorProviderResponse(p.ProviderName, p.ProviderType, p.Name, p.Description,
            $"/connectors/sso/{p.ProviderName}.svg", null, p.FormItems)).ToArray());

    private static async Task<Ok<SsoConnectorResponse[]>> List(SsoConnectorDbContext db, IConfiguration configuration, CancellationToken ct)
    {
        var connectors = await db.SsoConnectors.AsNoTracking().OrderBy(c => c.CreatedAt).ToListAsync(ct);
        var domains = (await db.SsoConnectorDomains.AsNoTracking().ToListAsync(ct)).ToLookup(d => d.ConnectorId, d => d.Domain);
        return TypedResults.Ok(connectors.Select(c => ToResponse(c, [.. domains[c.Id].Order(StringComparer.Ordinal)], configuration)).ToArray());
    }

    private static async Task<Results<Ok<SsoConnectorResponse>, ProblemHttpResult>> Get(string id, SsoConnectorDbContext db, IConfiguration configuration, CancellationToken ct) =>
        await FindAsync(db, id, ct) is { } c ? TypedResults.Ok(ToResponse(c, await DomainsOfAsync(db, id, ct), configuration)) : ConnectorsApi.NotFound(id);

    private static async Task<Results<Ok<SsoConnectorResponse>, ProblemHttpResult>> Create(CreateSsoConnectorRequest body, SsoConnectorDbContext db,
        ConnectorConfigVault vault, TimeProvider clock, IConfiguration configuration, CancellationToken ct)
    {
        if (SsoConnectorProviders.Find(body.ProviderName) is not { } provider)
            return PlatformProblems.Create(400, "guard.invalid_input", "providerName must be one of " + string.Join(", ", SsoConnectorProviders.All.Select(p => p.ProviderName)) + ".");
        if (!IsName(body.ConnectorName)) return PlatformProblems.Create(400, "guard.invalid_input", "connectorName is required (at most 128 characters).");
        var config = body.Config ?? [];
        if (ConnectorConfigRules.Problem(config, provider.FormItems, requireAll: false) is { } problem) return PlatformProblems.Create(400, "connector.invalid_config", problem);
        var domains = DomainsProblem(body.Domains ?? [], out var normalized);
        if (domains is not null) return domains;
        if (await db.SsoConnectors.AnyAsync(c => c.ConnectorName == body.ConnectorName, ct)) return DuplicateName();

        var (publicConfig, secrets) = vault.Seal(config, provider.SecretKeys);
        var connector = new EnterpriseConnector
        {
            Id = ConnectorIds.New(),
            ProviderName = provider.ProviderName,
            ConnectorName = body.ConnectorName!,
            Config = publicConfig,
            Secrets = secrets,
            Branding = System.Text.Json.JsonSerializer.Serialize(body.Branding ?? new SsoBranding(), JsonDefaults.Web),
            SyncProfile = body.SyncProfile ?? false,
            EnableTokenStorage = body.EnableTokenStorage ?? false,
            SpCredentials = provider.IsSaml ? vault.SealSpCredentials(SamlSpCredentials.Generate(clock)) : null,
            CreatedAt = clock.GetUtcNow(),
        };
        db.SsoConnectors.Add(connector);
        db.SsoConnectorDomains.AddRange(normalized.Select(d => new SsoConnectorDomain { Domain = d, ConnectorId = connector.Id }));
        if (await SaveAsync(db, normalized, ct) is { } conflict) return conflict;
        return TypedResults.Ok(ToResponse(connector, normalized, configuration));
    }

    private static async Task<Results<Ok<SsoConnectorResponse>, ProblemHttpResult>> Update(string id, UpdateSsoConnectorRequest body, SsoConnectorDbContext db,
        ConnectorConfigVault vault, IConfiguration configuration, CancellationToken ct)
    {
        if (await FindAsync(db, id, ct) is not { } connector) return ConnectorsApi.NotFound(id);
        var provider = SsoConnectorProviders.Find(connector.ProviderName)!;
        if (body.ConnectorName is not null)
        {
            if (!IsName(body.ConnectorName)) return PlatformProblems.Create(400, "guard.invalid_input", "connectorName is invalid.");
            if (await db.SsoConnectors.AnyAsync(c => c.ConnectorName == body.ConnectorName && c.Id != id, ct)) return DuplicateName();
            connector.ConnectorName = body.ConnectorName;
        }
        if (body.Config is not null)
        {
            if (ConnectorConfigRules.Problem(body.Config, provider.FormItems, requireAll: false) is { } problem) return PlatformProblems.Create(400, "connector.invalid_config", problem);
            (connector.Config, connector.Secrets) = vault.Seal(body.Config, provider.SecretKeys, connector.Secrets);
        }
        var domains = await DomainsOfAsync(db, id, ct);
        if (body.Domains is not null)
        {
            if (DomainsProblem(body.Domains, out var normalized) is { } domainProblem) return domainProblem;
            db.SsoConnectorDomains.RemoveRange(await db.SsoConnectorDomains.Where(d => d.ConnectorId == id && !normalized.Contains(d.Domain)).ToListAsync(ct));
            db.SsoConnectorDomains.AddRange(normalized.Except(domains).Select(d => new SsoConnectorDomain { Domain = d, ConnectorId = id }));
            domains = normalized;
        }
        if (body.Branding is not null) connector.Branding = System.Text.Json.JsonSerializer.Serialize(body.Branding, JsonDefaults.Web);
        if (body.SyncProfile is { } sync) connector.SyncProfile = sync;
        if (body.EnableTokenStorage is { } store) connector.EnableTokenStorage = store;
        if (await SaveAsync(db, domains, ct) is { } conflict) return conflict;
        return TypedResults.Ok(ToResponse(connector, domains, configuration));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, SsoConnectorDbContext db, CancellationToken ct)
    {
        if (!ConnectorIds.IsWellFormed(id)) return ConnectorsApi.NotFound(id);
        // Domains and the IdP-initiated configuration go with it (foreign keys, ON DELETE CASCADE).
        return await db.SsoConnectors.Where(c => c.Id == id).ExecuteDeleteAsync(ct) == 0 ? ConnectorsApi.NotFound(id) : TypedResults.NoContent();
    }

    /// <summary>Unique indexes decide the races: a domain row another connector inserted first, or a name taken meanwhile.</summary>
    private static async Task<ProblemHttpResult?> SaveAsync(SsoConnectorDbContext db, string[] domains, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            var constraint = ((Npgsql.PostgresException)e.InnerException!).ConstraintName;
            return constraint == "ux_sso_connectors_connector_name" ? DuplicateName() : DomainsTaken(domains);
        }
    }

    private static ProblemHttpResult? DomainsProblem(string[] domains, out string[] normalized)
    {
        normalized = [];
        if (domains.Length > 100) return PlatformProblems.Create(400, "guard.invalid_input", "At most 100 domains.");
        var list = new List<string>();
        foreach (var domain in domains)
        {
            if (EmailDomains.Normalize(domain) is not { } d) return PlatformProblems.Create(400, "single_sign_on.invalid_domain_format", "A domain is not a domain name.");
            list.Add(d);
        }
        if (list.Where(EmailDomains.Public.Contains).ToArray() is { Length: > 0 } forbidden)
            return PlatformProblems.Create(422, "single_sign_on.forbidden_domains", "Public email domains are not allowed.", new { domains = forbidden });
        if (list.Count != list.Distinct(StringComparer.Ordinal).Count())
            return PlatformProblems.Create(422, "single_sign_on.duplicated_domains", "The list names a domain twice.");
        normalized = [.. list.Order(StringComparer.Ordinal)];
        return null;
    }

    private static ProblemHttpResult DomainsTaken(string[] domains) =>
        PlatformProblems.Create(422, "single_sign_on.duplicated_domains", "A domain is already routed to another SSO connector.", new { domains });

    private static ProblemHttpResult DuplicateName() =>
        PlatformProblems.Create(409, "single_sign_on.duplicate_connector_name", "Connector name already exists.");

    private static bool IsName(string? name) => !string.IsNullOrWhiteSpace(name) && name.Length <= 128 && HostileText.IsStorable(name);

    internal static async Task<EnterpriseConnector?> FindAsync(SsoConnectorDbContext db, string id, CancellationToken ct) =>
        ConnectorIds.IsWellFormed(id) ? await db.SsoConnectors.FirstOrDefaultAsync(c => c.Id == id, ct) : null;

    private static async Task<string[]> DomainsOfAsync(SsoConnectorDbContext db, string id, CancellationToken ct) =>
        [.. (await db.SsoConnectorDomains.AsNoTracking().Where(d => d.ConnectorId == id).Select(d => d.Domain).ToListAsync(ct)).Order(StringComparer.Ordinal)];

    public static SsoConnectorResponse ToResponse(EnterpriseConnector c, string[] domains, IConfiguration configuration)
    {
        var provider = SsoConnectorProviders.Find(c.ProviderName)!;
        var branding = System.Text.Json.JsonSerializer.Deserialize<SsoBranding>(c.Branding, JsonDefaults.Web) ?? new();
        var providerConfig = provider.IsSaml ? new SsoProviderConfig(SamlEndpoints.ServiceProviderOf(c.Id, configuration.GetPublicUrl())) : null;
        return new(c.Id, c.ProviderName, c.ConnectorName, ConnectorConfigVault.Public(c.Config), domains, branding, c.SyncProfile, c.EnableTokenStorage,
            c.CreatedAt, provider.Name, provider.ProviderType, $"/connectors/sso/{provider.ProviderName}.svg", null, providerConfig);
    }
}
