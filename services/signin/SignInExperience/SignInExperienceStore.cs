using System.Text.Json;
using Auth.Platform.Signin.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Auth.Platform.Signin.SignInExperience;

/// <summary>The one settings row (Logto's <c>sign_in_experiences</c>, id <c>default</c>); the document is jsonb.</summary>
public sealed class SignInExperienceRow
{
    public string Id { get; set; } = "default";
    public string Data { get; set; } = "{}";
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// Reads the settings on every interaction step through a short cache: a PATCH evicts it in this replica at once;
/// other replicas see it within <see cref="CacheFor"/>. A missing row means the defaults.
/// </summary>
public sealed class SignInExperienceStore(IServiceScopeFactory scopes, IMemoryCache cache, TimeProvider time)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(3);
    private const string CacheKey = "signin:sign-in-experience";

    public async Task<SignInExperienceSettings> GetAsync(CancellationToken ct)
    {
        if (cache.TryGetValue(CacheKey, out SignInExperienceSettings? cached) && cached is not null) return cached;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SigninDbContext>();
        var row = await db.SignInExperiences.AsNoTracking().FirstOrDefaultAsync(r => r.Id == "default", ct);
        var settings = Parse(row?.Data);
        cache.Set(CacheKey, settings, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = CacheFor, Size = 1 });
        return settings;
    }

    public async Task SaveAsync(SignInExperienceSettings settings, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SigninDbContext>();
        var data = JsonSerializer.Serialize(settings, SignInExperienceRules.Json);
        var updated = await db.SignInExperiences.Where(r => r.Id == "default")
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Data, data).SetProperty(r => r.UpdatedAt, time.GetUtcNow()), ct);
        if (updated == 0)
        {
            // First write: a concurrent first PATCH on another replica loses the insert race and retries as an update.
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO sign_in_experiences (id, data, updated_at) VALUES ('default', {data}::jsonb, {time.GetUtcNow()})
                ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at
                """, ct);
        }
        cache.Remove(CacheKey);
    }

    private static SignInExperienceSettings Parse(string? data)
    {
        if (data is null) return new SignInExperienceSettings();
        // Lenient on read: fields added by a later version must not break an older replica during a rolling upgrade.
        return JsonSerializer.Deserialize<SignInExperienceSettings>(data, JsonSerializerOptions.Web) ?? new SignInExperienceSettings();
    }
}
