using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace Auth.Platform.Signin.Oidc;

/// <summary>
/// OpenIddict's entity cache lives one request, so every token request read its client from PostgreSQL. This keeps a
/// snapshot per client_id for a short time across requests and hands each caller its own copy (EF may attach and
/// mutate it). Changes made here evict the entry at once; other replicas see them within <see cref="Lifetime"/>.
/// </summary>
public sealed class CachedApplicationStore(IMemoryCache cache, IOpenIddictEntityFrameworkCoreContext context,
    IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options)
    : OpenIddictEntityFrameworkCoreApplicationStore<OpenIddictEntityFrameworkCoreApplication, OpenIddictEntityFrameworkCoreAuthorization, OpenIddictEntityFrameworkCoreToken, string>(cache, context, options)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private readonly IMemoryCache _cache = cache;

    public override async ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken)
    {
        var key = Key(identifier);
        if (_cache.TryGetValue(key, out OpenIddictEntityFrameworkCoreApplication? snapshot) && snapshot is not null) return Copy(snapshot);
        var application = await base.FindByClientIdAsync(identifier, cancellationToken);
        // Unknown client ids are not cached: they would let anyone fill the cache with junk keys.
        if (application is not null) _cache.Set(key, Copy(application), new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Lifetime, Size = 1 });
        return application;
    }

    public override async ValueTask UpdateAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellationToken)
    {
        await base.UpdateAsync(application, cancellationToken);
        if (application.ClientId is not null) _cache.Remove(Key(application.ClientId));
    }

    public override async ValueTask DeleteAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellationToken)
    {
        await base.DeleteAsync(application, cancellationToken);
        if (application.ClientId is not null) _cache.Remove(Key(application.ClientId));
    }

    private static string Key(string clientId) => "signin:application:" + clientId;

    private static OpenIddictEntityFrameworkCoreApplication Copy(OpenIddictEntityFrameworkCoreApplication a) => new()
    {
        Id = a.Id, ApplicationType = a.ApplicationType, ClientId = a.ClientId, ClientSecret = a.ClientSecret, ClientType = a.ClientType,
        ConcurrencyToken = a.ConcurrencyToken, ConsentType = a.ConsentType, DisplayName = a.DisplayName, DisplayNames = a.DisplayNames,
        JsonWebKeySet = a.JsonWebKeySet, Permissions = a.Permissions, PostLogoutRedirectUris = a.PostLogoutRedirectUris, Properties = a.Properties,
        RedirectUris = a.RedirectUris, Requirements = a.Requirements, Settings = a.Settings,
    };
}
