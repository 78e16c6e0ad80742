using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Auth.Platform.SsoConnector.Connectors;
using Auth.Platform.SsoConnector.Data;
using Auth.Platform.SsoConnector.SsoConnectors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.SsoConnector.Saml;

public sealed record CertificateFingerprint(string Formatted, string Unformatted);
public sealed record CertificateFingerprints(CertificateFingerprint Sha256);
/// <summary>Logto's <c>SamlSsoConnectorSigningKeyResponse</c>: the public half only (never the private key).</summary>
public sealed record SpSigningKeyResponse(string Id, string Certificate, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, bool Active,
    CertificateFingerprints Fingerprints);
public sealed record CreateSpSigningKeyRequest(bool? Active = null);
public sealed record UpdateSpSigningKeyRequest(bool? Active);

/// <summary>
/// Logto 1.44's SP signing-key rotation for SAML connectors (<c>/api/sso-connectors/{id}/signing-keys</c>): stage a new key
/// (inactive: published in the SP metadata so the IdP can learn it), activate it (it signs AuthnRequests from then on;
/// the previous one is deactivated in the same write and stays published and decrypting), then delete the old one. The
/// active key cannot be deleted. Keys live sealed in the connector row; each change rewrites them under a row lock.
/// </summary>
/// <remarks>
/// <code>
/// stateDiagram-v2
///     [*] --> Staged: POST {active:false} (default)
///     [*] --> Active: POST {active:true} (the previous active key becomes Staged)
///     Staged --> Active: PATCH {active:true}
///     Active --> Staged: PATCH {active:false}, or another key activated
///     Staged --> [*]: DELETE
/// </code>
/// </remarks>
public static class SpSigningKeysApi
{
    /// <summary>Enough for any rotation (each key is in the metadata twice, and every one is tried when decrypting).</summary>
    public const int MaxKeys = 10;

    public static IEndpointRouteBuilder MapSpSigningKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sso-connectors/{id}/signing-keys").RequireAuthorization(PlatformPolicies.Management).WithTags("SSO connectors");
        group.MapGet("/", List).ProducesProblem(404);
        group.MapPost("/", Create).ProducesProblem(400).ProducesProblem(404);
        group.MapPatch("/{keyId}", Update).ProducesProblem(400).ProducesProblem(404);
        group.MapDelete("/{keyId}", Delete).ProducesProblem(400).ProducesProblem(404);
        return app;
    }

    private static async Task<Results<Ok<SpSigningKeyResponse[]>, ProblemHttpResult>> List(string id, SsoConnectorDbContext db, ConnectorConfigVault vault, CancellationToken ct)
    {
        if (await SamlConnectorAsync(db, id, ct) is not { } connector) return NotSaml(id);
        return TypedResults.Ok(vault.OpenSpCredentials(connector.SpCredentials!).Keys.Select(ToResponse).ToArray());
    }

    private static async Task<Results<Created<SpSigningKeyResponse>, ProblemHttpResult>> Create(string id, CreateSpSigningKeyRequest? body, SsoConnectorDbContext db,
        ConnectorConfigVault vault, TimeProvider clock, CancellationToken ct)
    {
        var active = body?.Active ?? false;
        SamlSpKey? created = null;
        var problem = await ChangeKeysAsync(db, vault, id, keys =>
        {
            if (keys.Count >= MaxKeys)
                return PlatformProblems.Create(400, "guard.invalid_input", $"A connector holds at most {MaxKeys} signing keys: delete an old one first.");
            created = SamlSpCredentials.NewKey(clock, active);
            return new KeyChange([.. keys.Select(k => active ? k with { Active = false } : k), created]);
        }, ct);
        return problem ?? (Results<Created<SpSigningKeyResponse>, ProblemHttpResult>)TypedResults.Created($"/api/sso-connectors/{id}/signing-keys/{created!.Id}", ToResponse(created));
    }

    private static async Task<Results<Ok<SpSigningKeyResponse>, ProblemHttpResult>> Update(string id, string keyId, UpdateSpSigningKeyRequest body,
        SsoConnectorDbContext db, ConnectorConfigVault vault, CancellationToken ct)
    {
        if (body.Active is not { } active) return PlatformProblems.Create(400, "guard.invalid_input", "active (boolean) is required.");
        SamlSpKey? updated = null;
        var problem = await ChangeKeysAsync(db, vault, id, keys =>
        {
            if (keys.FirstOrDefault(k => k.Id == keyId) is not { } key) return ConnectorsApi.NotFound(keyId);
            updated = key with { Active = active };
            if (key.Active == active) return new KeyChange(null);
            // Activating one deactivates the others in the same write: at most one key signs.
            return new KeyChange([.. keys.Select(k => k.Id == keyId ? updated : active ? k with { Active = false } : k)]);
        }, ct);
        return problem ?? (Results<Ok<SpSigningKeyResponse>, ProblemHttpResult>)TypedResults.Ok(ToResponse(updated!));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, string keyId, SsoConnectorDbContext db, ConnectorConfigVault vault, CancellationToken ct)
    {
        var problem = await ChangeKeysAsync(db, vault, id, keys =>
        {
            if (keys.FirstOrDefault(k => k.Id == keyId) is not { } key) return ConnectorsApi.NotFound(keyId);
            // Irreversible, and its certificate may be the one the IdP trusts now: activate another key first.
            if (key.Active)
                return PlatformProblems.Create(400, "single_sign_on.can_not_delete_active_signing_key", "The active signing key cannot be deleted; activate another key first.");
            return new KeyChange([.. keys.Where(k => k.Id != keyId)]);
        }, ct);
        return problem ?? (Results<NoContent, ProblemHttpResult>)TypedResults.NoContent();
    }

    /// <summary>What a change does to the key list: a problem, or the new list (null: nothing to write).</summary>
    private sealed record KeyChange(IReadOnlyList<SamlSpKey>? Keys, ProblemHttpResult? Problem = null)
    {
        public static implicit operator KeyChange(ProblemHttpResult problem) => new(null, problem);
    }

    /// <summary>
    /// Reads the connector's keys under a row lock (<c>FOR UPDATE</c>: concurrent rotations queue instead of overwriting each
    /// other), applies <paramref name="change"/> and writes the result, in one transaction run by the retrying strategy.
    /// </summary>
    private static async Task<ProblemHttpResult?> ChangeKeysAsync(SsoConnectorDbContext db, ConnectorConfigVault vault, string id,
        Func<IReadOnlyList<SamlSpKey>, KeyChange> change, CancellationToken ct)
    {
        if (!ConnectorIds.IsWellFormed(id)) return NotSaml(id);
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var connector = (await db.SsoConnectors.FromSql($"SELECT * FROM sso_connectors WHERE id = {id} FOR UPDATE").ToListAsync(ct)).FirstOrDefault();
            if (connector is not { SpCredentials: not null } || SsoConnectorProviders.Find(connector.ProviderName) is not { IsSaml: true }) return NotSaml(id);
            var result = change(vault.OpenSpCredentials(connector.SpCredentials).Keys);
            if (result.Problem is not null || result.Keys is null) return result.Problem;
            connector.SpCredentials = vault.SealSpCredentials(new SamlSpCredentials(result.Keys));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return null;
        });
    }

    private static async Task<EnterpriseConnector?> SamlConnectorAsync(SsoConnectorDbContext db, string id, CancellationToken ct) =>
        ConnectorIds.IsWellFormed(id) && await db.SsoConnectors.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is { SpCredentials: not null } connector
            && SsoConnectorProviders.Find(connector.ProviderName) is { IsSaml: true } ? connector : null;

    /// <summary>Logto's answer for a connector that is missing or not SAML (the signing-key surface only exists for SAML).</summary>
    private static ProblemHttpResult NotSaml(string id) =>
        PlatformProblems.Create(404, "connector.not_found", "No SAML SSO connector has this id.", new { id });

    public static SpSigningKeyResponse ToResponse(SamlSpKey key)
    {
        using var certificate = X509Certificate2.CreateFromPem(key.CertificatePem);
        var sha256 = Convert.ToHexString(SHA256.HashData(certificate.RawData));
        var formatted = string.Join(':', Enumerable.Range(0, sha256.Length / 2).Select(i => sha256.Substring(i * 2, 2)));
        return new(key.Id, key.CertificatePem, key.CreatedAt, certificate.NotAfter.ToUniversalTime(), key.Active,
            new CertificateFingerprints(new CertificateFingerprint(formatted, sha256)));
    }
}
