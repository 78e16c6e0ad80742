using System.Security.Cryptography;
using Auth.Platform.Signin.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace Auth.Platform.Signin.Keys;

/// <summary>
/// The server's keys, loaded once at startup from signindb: RS256 signing keys (newest first; the previous one stays
/// published in JWKS so tokens it signed keep validating after a rotation), the encryption key OpenIddict needs for
/// its own protected tokens, and the HMAC key of client secrets.
/// </summary>
public sealed class ServerKeyRing
{
    private IReadOnlyList<RsaSecurityKey>? _signing;
    private IReadOnlyList<RsaSecurityKey>? _encryption;
    private byte[]? _clientSecretKey;

    public IReadOnlyList<RsaSecurityKey> SigningKeys => _signing ?? throw NotLoaded();
    public IReadOnlyList<RsaSecurityKey> EncryptionKeys => _encryption ?? throw NotLoaded();
    public ReadOnlySpan<byte> ClientSecretKey => _clientSecretKey ?? throw NotLoaded();
    public RsaSecurityKey CurrentSigningKey => SigningKeys[0];

    internal void Load(IReadOnlyList<RsaSecurityKey> signing, IReadOnlyList<RsaSecurityKey> encryption, byte[] clientSecretKey)
    {
        _signing = signing;
        _encryption = encryption;
        _clientSecretKey = clientSecretKey;
    }

    private static InvalidOperationException NotLoaded() =>
        new("Server keys are not loaded: call InitializeServerKeysAsync after the schema migration.");
}

/// <summary>
/// Creates missing keys and rotates old ones under a PostgreSQL advisory lock, so replicas starting together agree on
/// one set; then loads them into <see cref="ServerKeyRing"/>.
/// </summary>
public sealed class ServerKeyStore(SigninDbContext db, IDataProtectionProvider dataProtection, IConfiguration configuration,
    TimeProvider time, ILogger<ServerKeyStore> logger)
{
    /// <summary>Arbitrary constant shared by all replicas; distinct from the schema migrator's lock key.</summary>
    private const long LockKey = 0x5349474E494E4B59; // "SIGNINKY"
    private const int PublishedSigningKeys = 2;

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Auth.Platform.Signin.Keys.v1");

    public async Task LoadAsync(ServerKeyRing ring, CancellationToken ct)
    {
        var rotateAfter = TimeSpan.FromDays(configuration.GetValue("Signin:Keys:RotateAfterDays", 90.0));
        var strategy = db.Database.CreateExecutionStrategy();
        var rows = await strategy.ExecuteAsync(async token =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(token);
            // Transaction-scoped lock: released by commit or rollback, even if this process dies.
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", token);
            var now = time.GetUtcNow();
            var existing = await db.StoredKeys.AsNoTracking().ToListAsync(token);
            var newestSigning = existing.Where(k => k.Use == KeyUses.Signing).MaxBy(k => k.CreatedAt);
            if (newestSigning is null || now - newestSigning.CreatedAt >= rotateAfter)
            {
                logger.LogInformation(newestSigning is null ? "Creating the first signing key" : "Rotating the signing key (older than {Age})", rotateAfter);
                existing.Add(Add(KeyUses.Signing, "RS256", NewRsa(), now));
            }
            if (!existing.Any(k => k.Use == KeyUses.Encryption))
                existing.Add(Add(KeyUses.Encryption, "RSA-OAEP", NewRsa(), now));
            if (!existing.Any(k => k.Use == KeyUses.ClientSecretHmac))
                existing.Add(Add(KeyUses.ClientSecretHmac, "HS256", RandomNumberGenerator.GetBytes(32), now));
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return existing;
        }, ct);

        var signing = rows.Where(k => k.Use == KeyUses.Signing).OrderByDescending(k => k.CreatedAt).Take(PublishedSigningKeys)
            .Select(ToRsaKey).ToList();
        var encryption = rows.Where(k => k.Use == KeyUses.Encryption).OrderByDescending(k => k.CreatedAt).Select(ToRsaKey).ToList();
        var hmac = rows.Where(k => k.Use == KeyUses.ClientSecretHmac).OrderBy(k => k.CreatedAt).First();
        ring.Load(signing, encryption, Unprotect(hmac));
    }

    private StoredKey Add(string use, string algorithm, byte[] material, DateTimeOffset now)
    {
        var key = new StoredKey
        {
            Id = Guid.CreateVersion7(), Use = use, Algorithm = algorithm, CreatedAt = now,
            ProtectedMaterial = Convert.ToBase64String(_protector.Protect(material)),
        };
        CryptographicOperations.ZeroMemory(material);
        db.StoredKeys.Add(key);
        return key;
    }

    private static byte[] NewRsa()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKey();
    }

    private byte[] Unprotect(StoredKey key) => _protector.Unprotect(Convert.FromBase64String(key.ProtectedMaterial));

    private RsaSecurityKey ToRsaKey(StoredKey key)
    {
        var rsa = RSA.Create();
        var pkcs8 = Unprotect(key);
        rsa.ImportPkcs8PrivateKey(pkcs8, out _);
        CryptographicOperations.ZeroMemory(pkcs8);
        // A stable kid derived from the key id: the same on every replica and across restarts.
        return new RsaSecurityKey(rsa) { KeyId = key.Id.ToString("N") };
    }
}

public static class ServerKeyExtensions
{
    public static IHostApplicationBuilder AddServerKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDataProtection()
            // Fixed name: every replica (and every restart) must derive the same purpose strings to read each other's data.
            .SetApplicationName("auth-platform-signin")
            .PersistKeysToDbContext<SigninDbContext>();
        builder.Services.AddSingleton<ServerKeyRing>();
        builder.Services.AddScoped<ServerKeyStore>();
        return builder;
    }

    public static async Task InitializeServerKeysAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<ServerKeyStore>()
            .LoadAsync(app.Services.GetRequiredService<ServerKeyRing>(), app.Lifetime.ApplicationStopping);
    }
}
