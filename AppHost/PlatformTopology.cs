using Auth.Platform.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace Auth.Platform.AppHost;

/// <summary>
/// The resource graph, shared by run mode, publish mode and the test host (tests/Auth.Platform.Testing) so the
/// stack under test is the one that ships, not a second copy.
/// </summary>
public static class PlatformTopology
{
    public const int DefaultGatewayPort = 5055;
    public const string DefaultManagementClientId = "m2m-admin";

    public static void Build(IPlatformBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres");
        var signinDb = postgres.AddDatabase("signindb");
        var accountDb = postgres.AddDatabase("accountdb");
        var mfaDb = postgres.AddDatabase("mfadb");
        var organizationDb = postgres.AddDatabase("organizationdb");
        var ssoConnectorDb = postgres.AddDatabase("ssoconnectordb");
        var notificationDb = postgres.AddDatabase("notificationdb");

        var redis = builder.AddRedis("redis");
        var eventbus = builder.AddRabbitMQ("eventbus");

        var managementClientSecret = builder.AddParameter(
            "management-client-secret", secret: true, configurationKey: "Bootstrap:ManagementClientSecret");

        var account = builder.AddProject("account", "services/account/Auth.Platform.Account.csproj")
            .WithReference(accountDb).WaitFor(accountDb)
            .WithReference(eventbus).WaitFor(eventbus);

        var signin = builder.AddProject("signin", "services/signin/Auth.Platform.Signin.csproj")
            .WithReference(signinDb).WaitFor(signinDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(eventbus).WaitFor(eventbus)
            .WithReference(account).WaitFor(account)
            .WithEnvironment("Bootstrap__ManagementClientId",
                builder.Configuration["Bootstrap:ManagementClientId"] ?? DefaultManagementClientId)
            .WithEnvironment("Bootstrap__ManagementClientSecret", managementClientSecret)
            .WithDevelopmentEnvironment("Bootstrap__DemoClient__Enabled", "true");
        // Extra M2M clients allowed to call /internal/* (the test host adds one); none unless configured.
        foreach (var client in builder.Configuration.GetSection("Bootstrap:ServiceClients").GetChildren())
        {
            signin.WithDevelopmentEnvironment($"Bootstrap__ServiceClients__{client.Key}__ClientId", client["ClientId"] ?? "")
                .WithDevelopmentEnvironment($"Bootstrap__ServiceClients__{client.Key}__ClientSecret", client["ClientSecret"] ?? "");
        }

        // account sends verification codes through notification with its own M2M client (client credentials at signin).
        const string accountServiceClientId = "account-service";
        var accountServiceClientSecret = builder.AddParameter("account-service-client-secret", secret: true);
        signin.WithEnvironment("Bootstrap__ServiceClients__account__ClientId", accountServiceClientId)
            .WithEnvironment("Bootstrap__ServiceClients__account__ClientSecret", accountServiceClientSecret);
        account.WithEnvironment("ServiceClient__ClientId", accountServiceClientId)
            .WithEnvironment("ServiceClient__ClientSecret", accountServiceClientSecret);

        var mfa = builder.AddProject("mfa", "services/mfa/Auth.Platform.Mfa.csproj")
            .WithReference(mfaDb).WaitFor(mfaDb)
            .WithReference(eventbus).WaitFor(eventbus);
        // signin calls mfa while a user waits (factors, verification); mfa needs nothing from signin but its JWKS.
        signin.WithReference(mfa);
        // account's Account API reads and changes a user's factors and MFA settings through mfa's internal API.
        account.WithReference(mfa);

        var organization = builder.AddProject("organization", "services/organization/Auth.Platform.Organization.csproj")
            .WithReference(organizationDb).WaitFor(organizationDb)
            .WithReference(eventbus).WaitFor(eventbus);
        // signin reads a user's memberships at the token endpoint (organization tokens) and for the organizations claim.
        signin.WithReference(organization);
        // organization reads members' profiles from account (Logto's user objects in member lists, the invitee's current
        // email) with a service token: its own M2M client, seeded by signin, secret generated per deployment.
        var organizationServiceSecret = builder.AddParameter("organization-service-client-secret", secret: true);
        signin.WithEnvironment("Bootstrap__ServiceClients__organization__ClientId", "organization")
            .WithEnvironment("Bootstrap__ServiceClients__organization__ClientSecret", organizationServiceSecret);
        organization.WithReference(account)
            .WithEnvironment("ServiceClient__ClientId", "organization")
            .WithEnvironment("ServiceClient__ClientSecret", organizationServiceSecret);

        // sso-connector keeps in-flight external sign-ins (PKCE verifier, nonce, SAML request id) and the SAML replay cache in Redis.
        var ssoConnector = builder.AddProject("sso-connector", "services/sso-connector/Auth.Platform.SsoConnector.csproj")
            .WithReference(ssoConnectorDb).WaitFor(ssoConnectorDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(eventbus).WaitFor(eventbus);
        // signin starts and finishes social/SSO sign-ins through sso-connector while a user waits (no need to wait at startup).
        signin.WithReference(ssoConnector);

        // Development email goes to an SMTP sink with a web inbox (its URL is in the resource table); not published.
        var maildev = builder.AddMailDev("maildev");

        var notification = builder.AddProject("notification", "services/notification/Auth.Platform.Notification.csproj")
            .WithReference(notificationDb).WaitFor(notificationDb)
            .WithReference(eventbus).WaitFor(eventbus)
            .WithMailDev(maildev);

        var ui = builder.AddProject("ui", "ui/Auth.Platform.Ui.csproj");

        // Services with /internal endpoints validate service tokens with signin's JWKS, fetched when the first call
        // arrives: they reference signin without waiting for it (signin itself waits for account).
        foreach (var validatesTokens in new[] { account, mfa, organization, ssoConnector, notification }) validatesTokens.WithReference(signin);
        // signin sends verification codes through notification when a user asks for one; no need to wait at startup.
        signin.WithReference(notification);
        account.WithReference(notification);

        IResourceBuilder<ProjectResource>[] projects = [account, signin, mfa, organization, ssoConnector, notification, ui];

        var gateway = builder.AddProject("gateway", "gateway/Auth.Platform.Gateway.csproj")
            .WithExternalHttpEndpoint(builder.Configuration.GetValue("Gateway:Port", DefaultGatewayPort));
        foreach (var project in projects) gateway.WithReference(project).WaitFor(project);
        // The per-client rate limit (Gateway:RateLimit:*, on by default) can be tuned per run: the test host raises it.
        foreach (var (key, value) in builder.Configuration.GetSection("Gateway:RateLimit").AsEnumerable(makePathsRelative: true))
            if (value is not null) gateway.WithEnvironment("Gateway__RateLimit__" + key.Replace(":", "__", StringComparison.Ordinal), value);

        // Every project builds absolute URLs (issuer, redirects) from the one public origin: the gateway.
        foreach (var project in projects.Append(gateway)) project.WithEnvironment("Platform__PublicUrl", gateway.GetEndpoint());
    }
}
