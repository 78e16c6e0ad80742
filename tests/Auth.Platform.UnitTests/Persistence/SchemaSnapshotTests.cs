using Auth.Platform.Account.Data;
using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.Mfa.Data;
using Auth.Platform.Notification.Data;
using Auth.Platform.Organization.Data;
using Auth.Platform.Signin.Data;
using Auth.Platform.SsoConnector.Data;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.UnitTests.Persistence;

/// <summary>
/// A new database gets the model's create script and an existing one the embedded migrations, so the model must
/// not drift from the committed schema: any change to a table, column, key or index shows here and needs a migration
/// script beside it. Regenerate the snapshots with <c>UPDATE_SCHEMA_SNAPSHOTS=1</c> only together with that script.
/// </summary>
public class SchemaSnapshotTests
{
    public static TheoryData<string> Contexts => [.. Factories.Keys];

    private static readonly Dictionary<string, Func<DbContext>> Factories = new()
    {
        ["signin"] = () => new SigninDbContext(Options<SigninDbContext>()),
        ["account"] = () => new AccountDbContext(Options<AccountDbContext>()),
        ["mfa"] = () => new MfaDbContext(Options<MfaDbContext>()),
        ["notification"] = () => new NotificationDbContext(Options<NotificationDbContext>()),
        ["organization"] = () => new OrganizationDbContext(Options<OrganizationDbContext>()),
        ["sso-connector"] = () => new SsoConnectorDbContext(Options<SsoConnectorDbContext>()),
    };

    [Theory]
    [MemberData(nameof(Contexts))]
    public void CreateScript_MatchesCommittedSchema(string service)
    {
        using var db = Factories[service]();
        var script = db.Database.GenerateCreateScript().ReplaceLineEndings("\n");
        var snapshot = Path.Combine(SnapshotDirectory(), $"{service}.sql");
        if (Environment.GetEnvironmentVariable("UPDATE_SCHEMA_SNAPSHOTS") == "1") File.WriteAllText(snapshot, script);
        Assert.Equal(File.ReadAllText(snapshot).ReplaceLineEndings("\n"), script);
    }

    // The services' own options (naming convention included); no connection is opened to generate a script.
    private static DbContextOptions<T> Options<T>() where T : DbContext
    {
        var options = new DbContextOptionsBuilder<T>().UseNpgsql("Host=unused");
        options.UsePlatformConventions();
        return options.Options;
    }

    private static string SnapshotDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "Schema");
}
