using System.Reflection;
using Auth.Platform.BuildingBlocks.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Auth.Platform.BuildingBlocks.Persistence;

public static class PersistenceExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TContext"/> through Aspire's PostgreSQL integration (pooled contexts, Npgsql's retrying
    /// strategy, a health check, tracing and metrics) from <c>ConnectionStrings:{connectionName}</c>, the AppHost resource
    /// name (e.g. <c>signindb</c>), with the platform's naming convention and, when messaging is registered, the outbox
    /// interceptor. Explicit transactions must run inside <c>Database.CreateExecutionStrategy()</c>.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformDbContext<TContext>(this IHostApplicationBuilder builder, string connectionName)
        where TContext : DbContext
    {
        if (string.IsNullOrEmpty(builder.Configuration.GetConnectionString(connectionName)))
            throw new InvalidOperationException($"ConnectionStrings:{connectionName} is not configured.");
        builder.AddNpgsqlDbContext<TContext>(connectionName, configureDbContextOptions: options => options.UsePlatformConventions());
        builder.Services.ConfigureDbContext<TContext>((services, options) =>
        {
            var interceptor = services.GetService<OutboxSaveChangesInterceptor>();
            if (interceptor is not null) options.AddInterceptors(interceptor);
        });
        return builder;
    }

    /// <summary>The database conventions of every service's DbContext (also what the schema snapshot tests build).</summary>
    public static DbContextOptionsBuilder UsePlatformConventions(this DbContextOptionsBuilder options) =>
        options.UseSnakeCaseNamingConvention();

    /// <summary>
    /// Brings the schema up to date before the app serves requests. With <c>--migrate</c> on the command line the
    /// process migrates and exits (the Kubernetes migration Job); returns true in that case.
    /// </summary>
    public static async Task<bool> MigrateDatabaseAsync<TContext>(this WebApplication app, string[] args) where TContext : DbContext
    {
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TContext>();
            var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Auth.Platform.Migrations");
            await SchemaMigrator.MigrateAsync(db, typeof(TContext).Assembly, logger, app.Lifetime.ApplicationStopping);
        }
        return args.Contains("--migrate");
    }
}

/// <summary>
/// Applies the schema: a new database gets the whole current model (EF's create script) and every embedded
/// <c>*.sql</c> migration is recorded as already contained in it; an existing database gets the embedded scripts it
/// lacks, in name order. A PostgreSQL advisory lock makes concurrent replicas wait for each other.
/// Waits for the database to accept connections (bounded), so starting before PostgreSQL is ready is not fatal.
/// </summary>
public static class SchemaMigrator
{
    private const string Baseline = "0000_model_baseline";

    public static async Task MigrateAsync(DbContext db, Assembly scriptsAssembly, ILogger logger, CancellationToken cancellationToken)
    {
        await WaitForDatabaseAsync(db, logger, cancellationToken);
        var scripts = scriptsAssembly.GetManifestResourceNames()
            .Where(n => n.EndsWith(".sql", StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => (Name: ScriptName(n), Resource: n))
            .ToList();

        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                var lockKey = StableLockKey(db.GetType().FullName!);
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({lockKey})", ct);
                try
                {
                    await db.Database.ExecuteSqlRawAsync(
                        "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", ct);
                    var applied = await db.Database.SqlQueryRaw<string>("SELECT version AS \"Value\" FROM schema_migrations").ToListAsync(ct);
                    if (applied.Count == 0)
                    {
                        logger.LogInformation("Creating schema for {Context}", db.GetType().Name);
                        await using var tx = await db.Database.BeginTransactionAsync(ct);
                        await db.Database.ExecuteSqlRawAsync(db.Database.GenerateCreateScript(), ct);
                        foreach (var version in scripts.Select(s => s.Name).Prepend(Baseline))
                            await db.Database.ExecuteSqlRawAsync("INSERT INTO schema_migrations (version) VALUES ({0})", [version], ct);
                        await tx.CommitAsync(ct);
                        return;
                    }
                    foreach (var (name, resource) in scripts.Where(s => !applied.Contains(s.Name)))
                    {
                        logger.LogInformation("Applying migration {Migration} to {Context}", name, db.GetType().Name);
                        await using var stream = scriptsAssembly.GetManifestResourceStream(resource)!;
                        var sql = await new StreamReader(stream).ReadToEndAsync(ct);
                        await using var tx = await db.Database.BeginTransactionAsync(ct);
                        await db.Database.ExecuteSqlRawAsync(sql, ct);
                        await db.Database.ExecuteSqlRawAsync("INSERT INTO schema_migrations (version) VALUES ({0})", [name], ct);
                        await tx.CommitAsync(ct);
                    }
                }
                finally
                {
                    await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({lockKey})", CancellationToken.None);
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }, cancellationToken);
    }

    private static async Task WaitForDatabaseAsync(DbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        var creator = db.GetService<IRelationalDatabaseCreator>();
        while (true)
        {
            try
            {
                if (await creator.ExistsAsync(cancellationToken)) return;
                await creator.CreateAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (DateTimeOffset.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Database for {Context} not reachable yet ({Error}); retrying", db.GetType().Name, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }

    private static string ScriptName(string resource)
    {
        var withoutExtension = resource[..^4];
        var lastDot = withoutExtension.LastIndexOf('.');
        return lastDot < 0 ? withoutExtension : withoutExtension[(lastDot + 1)..];
    }

    private static long StableLockKey(string name)
    {
        // Not string.GetHashCode: it is randomised per process, and every replica must agree on the key.
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name));
        return BitConverter.ToInt64(hash, 0);
    }
}
