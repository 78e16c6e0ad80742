using Auth.Platform.Account.Data;
using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.Mfa.Data;
using Auth.Platform.Notification.Data;
using Auth.Platform.Organization.Data;
using Auth.Platform.Signin.Data;
using Auth.Platform.SsoConnector.Data;
using Auth.Platform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Auth.Platform.IntegrationTests.Persistence;

/// <summary>
/// The move to names by convention (EFCore.NamingConventions) renamed PascalCase columns, keys and indexes. A database
/// created before it (<c>Baseline/*.sql</c>: each service's create script with the hand-written names, all earlier
/// migrations recorded) must end, after the <c>*_snake_case_naming</c> migration, with exactly the catalog a new
/// database gets from the model: same tables, columns, types, constraints and index definitions.
/// </summary>
public sealed class SnakeCaseMigrationTests(PlatformStackFixture fixture)
{
    private static readonly Dictionary<string, Func<string, DbContext>> Contexts = new()
    {
        ["signin"] = c => new SigninDbContext(Options<SigninDbContext>(c)),
        ["account"] = c => new AccountDbContext(Options<AccountDbContext>(c)),
        ["mfa"] = c => new MfaDbContext(Options<MfaDbContext>(c)),
        ["notification"] = c => new NotificationDbContext(Options<NotificationDbContext>(c)),
        ["organization"] = c => new OrganizationDbContext(Options<OrganizationDbContext>(c)),
        ["sso-connector"] = c => new SsoConnectorDbContext(Options<SsoConnectorDbContext>(c)),
    };

    public static TheoryData<string> Services => [.. Contexts.Keys];

    [Theory]
    [MemberData(nameof(Services))]
    public async Task DatabaseFromBeforeTheConvention_AfterMigration_HasTheModelsCatalog(string service)
    {
        var ct = TestContext.Current.CancellationToken;
        var server = new NpgsqlConnectionStringBuilder(fixture.Stack.ConnectionString("signindb"));
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var upgraded = $"schema_upgraded_{suffix}";
        var created = $"schema_created_{suffix}";

        await ExecuteAsync(server.ConnectionString, $"CREATE DATABASE {upgraded}", ct);
        try
        {
            var upgradedConnection = WithDatabase(server, upgraded);
            await ExecuteAsync(upgradedConnection, await File.ReadAllTextAsync(BaselinePath(service), ct), ct);
            await using (var db = Context(service, upgradedConnection))
            {
                // As the migrator left such a database: the model baseline and every earlier script recorded as applied.
                // Only the scripts before the rename: a later one (e.g. notification's 0004) is still to run on such a database.
                var scripts = db.GetType().Assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).ToList();
                var rename = ScriptName(scripts.Single(n => n.EndsWith("_snake_case_naming.sql", StringComparison.Ordinal)));
                var earlier = scripts.Select(ScriptName).Where(v => string.CompareOrdinal(v, rename) < 0).Prepend("0000_model_baseline");
                await ExecuteAsync(upgradedConnection, "CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());"
                    + string.Concat(earlier.Select(v => $"INSERT INTO schema_migrations (version) VALUES ('{v}');")), ct);
                await SchemaMigrator.MigrateAsync(db, db.GetType().Assembly, NullLogger.Instance, ct);
            }

            var createdConnection = WithDatabase(server, created);
            await using (var db = Context(service, createdConnection))
                await SchemaMigrator.MigrateAsync(db, db.GetType().Assembly, NullLogger.Instance, ct);

            Assert.Equal(await CatalogAsync(createdConnection, ct), await CatalogAsync(upgradedConnection, ct));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server.ConnectionString, $"DROP DATABASE IF EXISTS {upgraded} WITH (FORCE)", CancellationToken.None);
            await ExecuteAsync(server.ConnectionString, $"DROP DATABASE IF EXISTS {created} WITH (FORCE)", CancellationToken.None);
        }
    }

    private static DbContext Context(string service, string connectionString) => Contexts[service](connectionString);

    // The services' own options: the naming convention is what is under test.
    private static DbContextOptions<T> Options<T>(string connectionString) where T : DbContext
    {
        var options = new DbContextOptionsBuilder<T>().UseNpgsql(connectionString);
        options.UsePlatformConventions();
        return options.Options;
    }

    /// <summary>Every table's columns, every constraint and every index, as PostgreSQL itself prints them.</summary>
    private static async Task<List<string>> CatalogAsync(string connectionString, CancellationToken ct)
    {
        const string sql = """
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(character_maximum_length::text, '')
              FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL
            SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
              FROM pg_constraint WHERE connamespace = 'public'::regnamespace
            UNION ALL
            SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
            """;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(ct)) rows.Add(reader.GetString(0));
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static string WithDatabase(NpgsqlConnectionStringBuilder server, string database) =>
        new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database, Pooling = false }.ConnectionString;

    private static string ScriptName(string resource)
    {
        var withoutExtension = resource[..^4];
        return withoutExtension[(withoutExtension.LastIndexOf('.') + 1)..];
    }

    private static string BaselinePath(string service, [System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "Baseline", $"{service}.sql");
}
