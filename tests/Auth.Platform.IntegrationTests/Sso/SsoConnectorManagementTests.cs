using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Auth.Platform.Testing;
using Npgsql;
using static Auth.Platform.IntegrationTests.Account.PlatformApi;

namespace Auth.Platform.IntegrationTests.Sso;

/// <summary>
/// Logto's connector Management API on sso-connector, through the gateway with a Management token (issue 12 pt 1):
/// factories, social connectors, SSO providers and connectors, IdP-initiated configuration; secrets write-only and
/// sealed at rest; SSO email domains guarded.
/// </summary>
public sealed class SsoConnectorManagementTests(PlatformStackFixture fixture) : IAsyncLifetime
{
    private PlatformStack Stack => fixture.Stack;
    private SsoApi _api = null!;

    public async ValueTask InitializeAsync() => _api = await SsoApi.CreateAsync(Stack);

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    private static string Target() => "t" + Guid.NewGuid().ToString("N")[..10];
    private static string Domain() => "corp-" + Guid.NewGuid().ToString("N")[..10] + ".example";

    private static object OidcConnector(string target, string secret = "s3cret-value-that-must-not-leak") => new
    {
        connectorId = "oidc",
        config = new { issuer = "https://idp.example", clientId = "client-1", clientSecret = secret, scope = "openid email" },
        metadata = new { target },
    };

    // ---------- factories ----------

    [Fact]
    public async Task ConnectorFactories_List_HasTheGenericFactoriesAndThePresets()
    {
        var factories = JsonNode.Parse(await _api.Management.GetStringAsync("/api/connector-factories", Ct))!.AsArray();

        var ids = factories.Select(f => f!["id"]!.GetValue<string>()).ToArray();
        Assert.Subset(new HashSet<string> { "oidc", "oauth2", "google-universal", "github-universal", "azure-ad", "apple-universal" }, ids.ToHashSet());
        var google = factories.Single(f => f!["id"]!.GetValue<string>() == "google-universal")!;
        Assert.Equal("google", google["target"]!.GetValue<string>());
        Assert.Equal("Social", google["type"]!.GetValue<string>());
        Assert.False(google["isStandard"]!.GetValue<bool>());
        Assert.True(factories.Single(f => f!["id"]!.GetValue<string>() == "oidc")!["isStandard"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ConnectorFactory_Unknown_Returns404EntityNotExists()
    {
        using var response = await _api.Management.GetAsync("/api/connector-factories/nope", Ct);
        await AssertProblemAsync(response, 404, "entity.not_exists_with_id");
    }

    [Fact]
    public async Task Connectors_WithoutToken_Return401()
    {
        using var anonymous = new HttpClient { BaseAddress = Stack.GatewayUrl };
        using var response = await anonymous.GetAsync("/api/connectors", Ct);
        await AssertProblemAsync(response, 401, "auth.unauthorized");
    }

    // ---------- social connectors ----------

    [Fact]
    public async Task CreateConnector_ReturnsLogtoShape_NeverTheSecret_AndSealsItAtRest()
    {
        var target = Target();
        const string secret = "s3cret-value-that-must-not-leak";
        var created = await _api.CreateAsync("/api/connectors", OidcConnector(target, secret));

        var id = created["id"]!.GetValue<string>();
        Assert.Equal("oidc", created["connectorId"]!.GetValue<string>());
        Assert.Equal(target, created["target"]!.GetValue<string>());
        Assert.Equal(target, created["metadata"]!["target"]!.GetValue<string>());
        Assert.Equal("client-1", created["config"]!["clientId"]!.GetValue<string>());
        Assert.DoesNotContain(secret, created.ToJsonString());
        var fetched = await _api.Management.GetStringAsync($"/api/connectors/{id}", Ct);
        Assert.DoesNotContain(secret, fetched);
        Assert.DoesNotContain(secret, await _api.Management.GetStringAsync("/api/connectors", Ct));

        var (config, sealedSecrets) = await StoredAsync("SELECT config::text, secrets FROM connectors WHERE id = @id", id);
        Assert.DoesNotContain(secret, config);
        Assert.NotNull(sealedSecrets);
        Assert.DoesNotContain(secret, sealedSecrets);
        Assert.DoesNotContain("clientSecret", config);
    }

    [Fact]
    public async Task UpdateConnector_WithoutTheSecret_KeepsIt_AndWithANewOne_ReplacesIt()
    {
        var created = await _api.CreateAsync("/api/connectors", OidcConnector(Target()));
        var id = created["id"]!.GetValue<string>();
        var (_, before) = await StoredAsync("SELECT config::text, secrets FROM connectors WHERE id = @id", id);

        using (var kept = await _api.Management.PatchAsJsonAsync($"/api/connectors/{id}",
            new { config = new { issuer = "https://idp.example", clientId = "client-2" }, syncProfile = true }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
            var body = JsonNode.Parse(await kept.Content.ReadAsStringAsync(Ct))!;
            Assert.Equal("client-2", body["config"]!["clientId"]!.GetValue<string>());
            Assert.True(body["syncProfile"]!.GetValue<bool>());
        }
        Assert.Equal(before, (await StoredAsync("SELECT config::text, secrets FROM connectors WHERE id = @id", id)).Secrets);

        using (var replaced = await _api.Management.PatchAsJsonAsync($"/api/connectors/{id}",
            new { config = new { issuer = "https://idp.example", clientId = "client-2", clientSecret = "another-secret" } }, Ct))
            Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.NotEqual(before, (await StoredAsync("SELECT config::text, secrets FROM connectors WHERE id = @id", id)).Secrets);
    }

    [Fact]
    public async Task CreateConnector_SecondWithTheSameTarget_Returns422MultipleTargetWithSamePlatform()
    {
        var target = Target();
        await _api.CreateAsync("/api/connectors", OidcConnector(target));

        using var response = await _api.Management.PostAsJsonAsync("/api/connectors", OidcConnector(target), Ct);

        await AssertProblemAsync(response, 422, "connector.multiple_target_with_same_platform");
    }

    public static TheoryData<string, int, string> BadConnectors => new()
    {
        { """{"connectorId":"nope","config":{}}""", 422, "connector.not_found_with_connector_id" },
        { """{"connectorId":"oidc","config":{"issuer":"https://idp.example","clientId":"c"},"metadata":{"target":"x1"}}""", 400, "connector.invalid_config" },
        { """{"connectorId":"oidc","config":{"issuer":"not a url","clientId":"c","clientSecret":"s"},"metadata":{"target":"x2"}}""", 400, "connector.invalid_config" },
        { """{"connectorId":"oidc","config":{"issuer":"https://idp.example","clientId":"c","clientSecret":"s"}}""", 400, "connector.should_specify_target" },
        { """{"connectorId":"github-universal","config":{"clientId":"c","clientSecret":"s"},"metadata":{"target":"other"}}""", 400, "connector.cannot_overwrite_metadata_for_non_standard_connector" },
        { """{"connectorId":"oauth2","config":{"clientId":"c","clientSecret":"s"},"metadata":{"target":"x3"}}""", 400, "connector.invalid_config" },
    };

    [Theory]
    [MemberData(nameof(BadConnectors))]
    public async Task CreateConnector_WithBadInput_ReturnsLogtoCode(string json, int status, string code)
    {
        using var response = await _api.Management.PostAsync("/api/connectors", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);
        await AssertProblemAsync(response, status, code);
    }

    [Fact]
    public async Task UpdateConnector_ChangingTheTarget_Returns400CanNotModifyTarget()
    {
        var created = await _api.CreateAsync("/api/connectors", OidcConnector(Target()));
        using var response = await _api.Management.PatchAsJsonAsync($"/api/connectors/{created["id"]}", new { metadata = new { target = Target() } }, Ct);
        await AssertProblemAsync(response, 400, "connector.can_not_modify_target");
    }

    [Fact]
    public async Task DeleteConnector_Returns204_ThenItIsGone()
    {
        var id = (await _api.CreateAsync("/api/connectors", OidcConnector(Target())))["id"]!.GetValue<string>();

        using (var deleted = await _api.Management.DeleteAsync($"/api/connectors/{id}", Ct)) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var fetched = await _api.Management.GetAsync($"/api/connectors/{id}", Ct);
        await AssertProblemAsync(fetched, 404, "entity.not_exists_with_id");
    }

    // ---------- SSO connectors ----------

    [Fact]
    public async Task SsoConnectorProviders_ListOidcAndSamlProviders()
    {
        var providers = JsonNode.Parse(await _api.Management.GetStringAsync("/api/sso-connector-providers", Ct))!.AsArray();
        var types = providers.ToDictionary(p => p!["providerName"]!.GetValue<string>(), p => p!["providerType"]!.GetValue<string>());
        Assert.Equal("oidc", types["OIDC"]);
        Assert.Equal("saml", types["SAML"]);
        Assert.Equal("saml", types["AzureAD"]);
        Assert.Equal("oidc", types["Okta"]);
    }

    [Fact]
    public async Task CreateSamlConnector_AnswersServiceProviderConfig_AndServesSpMetadata()
    {
        var domain = Domain();
        var created = await _api.CreateAsync("/api/sso-connectors",
            new { providerName = "SAML", connectorName = "saml " + Target(), domains = new[] { domain.ToUpperInvariant() } });

        var id = created["id"]!.GetValue<string>();
        var sp = created["providerConfig"]!["serviceProvider"]!;
        Assert.Equal($"{Stack.GatewayUrl.ToString().TrimEnd('/')}/enterprise-sso/{id}", sp["entityId"]!.GetValue<string>());
        Assert.Equal($"{Stack.GatewayUrl.ToString().TrimEnd('/')}/api/authn/single-sign-on/saml/{id}", sp["assertionConsumerServiceUrl"]!.GetValue<string>());
        Assert.Equal([domain], created["domains"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Equal("saml", created["providerType"]!.GetValue<string>());

        using var metadata = await _api.Browser.GetAsync($"/api/authn/single-sign-on/saml/{id}/metadata", Ct);
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        var xml = new System.Xml.XmlDocument();
        xml.LoadXml(await metadata.Content.ReadAsStringAsync(Ct));
        Assert.Equal(sp["entityId"]!.GetValue<string>(), xml.DocumentElement!.GetAttribute("entityID"));
        Assert.Contains(sp["assertionConsumerServiceUrl"]!.GetValue<string>(), xml.OuterXml);
        Assert.Contains("X509Certificate", xml.OuterXml);
    }

    [Fact]
    public async Task CreateOidcSsoConnector_KeepsTheClientSecretWriteOnly()
    {
        const string secret = "enterprise-secret-never-returned";
        var created = await _api.CreateAsync("/api/sso-connectors", new
        {
            providerName = "OIDC", connectorName = "oidc " + Target(),
            config = new { issuer = "https://idp.example", clientId = "c", clientSecret = secret },
        });
        Assert.DoesNotContain(secret, created.ToJsonString());
        Assert.DoesNotContain(secret, await _api.Management.GetStringAsync($"/api/sso-connectors/{created["id"]}", Ct));
        var (config, sealedSecrets) = await StoredAsync("SELECT config::text, secrets FROM sso_connectors WHERE id = @id", created["id"]!.GetValue<string>());
        Assert.DoesNotContain(secret, config + sealedSecrets);
    }

    [Theory]
    [InlineData("gmail.com")]
    [InlineData("Outlook.COM")]
    [InlineData("orange.fr")]
    public async Task CreateSsoConnector_WithAPublicEmailDomain_Returns422ForbiddenDomains(string domain)
    {
        using var response = await _api.Management.PostAsJsonAsync("/api/sso-connectors",
            new { providerName = "OIDC", connectorName = "c " + Target(), domains = new[] { domain } }, Ct);
        await AssertProblemAsync(response, 422, "single_sign_on.forbidden_domains");
    }

    [Fact]
    public async Task CreateSsoConnector_WithADomainAnotherConnectorClaims_Returns422DuplicatedDomains()
    {
        var domain = Domain();
        await _api.CreateAsync("/api/sso-connectors", new { providerName = "OIDC", connectorName = "a " + Target(), domains = new[] { domain } });

        using var response = await _api.Management.PostAsJsonAsync("/api/sso-connectors",
            new { providerName = "SAML", connectorName = "b " + Target(), domains = new[] { domain.ToUpperInvariant() } }, Ct);

        await AssertProblemAsync(response, 422, "single_sign_on.duplicated_domains");
    }

    [Fact]
    public async Task UpdateSsoConnector_ToADomainAnotherConnectorClaims_Returns422_AndKeepsItsDomains()
    {
        var (claimed, own) = (Domain(), Domain());
        await _api.CreateAsync("/api/sso-connectors", new { providerName = "OIDC", connectorName = "a " + Target(), domains = new[] { claimed } });
        var other = await _api.CreateAsync("/api/sso-connectors", new { providerName = "OIDC", connectorName = "b " + Target(), domains = new[] { own } });

        using var response = await _api.Management.PatchAsJsonAsync($"/api/sso-connectors/{other["id"]}", new { domains = new[] { own, claimed } }, Ct);

        await AssertProblemAsync(response, 422, "single_sign_on.duplicated_domains");
        var after = JsonNode.Parse(await _api.Management.GetStringAsync($"/api/sso-connectors/{other["id"]}", Ct))!;
        Assert.Equal([own], after["domains"]!.AsArray().Select(d => d!.GetValue<string>()));
    }

    [Theory]
    [InlineData("not a domain")]
    [InlineData("a@b.example")]
    public async Task CreateSsoConnector_WithAMalformedDomain_Returns400InvalidDomainFormat(string domain)
    {
        using var response = await _api.Management.PostAsJsonAsync("/api/sso-connectors",
            new { providerName = "OIDC", connectorName = "c " + Target(), domains = new[] { domain } }, Ct);
        await AssertProblemAsync(response, 400, "single_sign_on.invalid_domain_format");
    }

    [Fact]
    public async Task CreateSsoConnector_WithATakenName_Returns409DuplicateConnectorName()
    {
        var name = "dup " + Target();
        await _api.CreateAsync("/api/sso-connectors", new { providerName = "OIDC", connectorName = name });
        using var response = await _api.Management.PostAsJsonAsync("/api/sso-connectors", new { providerName = "SAML", connectorName = name }, Ct);
        await AssertProblemAsync(response, 409, "single_sign_on.duplicate_connector_name");
    }

    [Fact]
    public async Task ConnectorsByEmail_FindsTheConnectorOfTheDomain_CaseInsensitively_AndForgetsItOnceDeleted()
    {
        var domain = Domain();
        var id = (await _api.CreateAsync("/api/sso-connectors", new { providerName = "OIDC", connectorName = "e " + Target(), domains = new[] { domain } }))["id"]!.GetValue<string>();

        var found = JsonNode.Parse(await _api.Internal.GetStringAsync($"/internal/sso/connectors-by-email?email=Alice@{domain.ToUpperInvariant()}", Ct))!;
        Assert.Equal([id], found["connectorIds"]!.AsArray().Select(x => x!.GetValue<string>()));

        using (var deleted = await _api.Management.DeleteAsync($"/api/sso-connectors/{id}", Ct)) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var after = JsonNode.Parse(await _api.Internal.GetStringAsync($"/internal/sso/connectors-by-email?email=alice@{domain}", Ct))!;
        Assert.Empty(after["connectorIds"]!.AsArray());
    }

    // ---------- IdP-initiated configuration ----------

    [Fact]
    public async Task IdpInitiatedAuthConfig_PutGetDelete_OnASamlConnector()
    {
        var id = (await _api.CreateAsync("/api/sso-connectors", new { providerName = "SAML", connectorName = "i " + Target() }))["id"]!.GetValue<string>();
        var path = $"/api/sso-connectors/{id}/idp-initiated-auth-config";
        using (var missing = await _api.Management.GetAsync(path, Ct)) await AssertProblemAsync(missing, 404, "entity.not_found");

        using (var put = await _api.Management.PutAsJsonAsync(path, new
        {
            defaultApplicationId = "app1", autoSendAuthorizationRequest = true, redirectUri = "https://app.example/callback",
            authParameters = new { scope = "openid profile email" },
        }, Ct))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var stored = JsonNode.Parse(await _api.Management.GetStringAsync(path, Ct))!;
        Assert.Equal("app1", stored["defaultApplicationId"]!.GetValue<string>());
        Assert.True(stored["autoSendAuthorizationRequest"]!.GetValue<bool>());
        Assert.Equal("openid profile email", stored["authParameters"]!["scope"]!.GetValue<string>());

        using (var deleted = await _api.Management.DeleteAsync(path, Ct)) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await _api.Management.GetAsync(path, Ct);
        await AssertProblemAsync(gone, 404, "entity.not_found");
    }

    [Fact]
    public async Task IdpInitiatedAuthConfig_OnAnOidcConnector_Returns400NotSupported()
    {
        var id = (await _api.CreateAsync("/api/sso-connectors", new { providerName = "OIDC", connectorName = "o " + Target() }))["id"]!.GetValue<string>();
        using var response = await _api.Management.PutAsJsonAsync($"/api/sso-connectors/{id}/idp-initiated-auth-config",
            new { defaultApplicationId = "app1", clientIdpInitiatedAuthCallbackUri = "https://app.example/sso" }, Ct);
        await AssertProblemAsync(response, 400, "single_sign_on.idp_initiated_authentication_not_supported");
    }

    [Fact]
    public async Task IdpInitiatedAuthConfig_OptionBWithoutRedirectUri_Returns400()
    {
        var id = (await _api.CreateAsync("/api/sso-connectors", new { providerName = "SAML", connectorName = "b " + Target() }))["id"]!.GetValue<string>();
        using var response = await _api.Management.PutAsJsonAsync($"/api/sso-connectors/{id}/idp-initiated-auth-config",
            new { defaultApplicationId = "app1", autoSendAuthorizationRequest = true }, Ct);
        await AssertProblemAsync(response, 400, "guard.invalid_input");
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheManagementRoutes()
    {
        using var http = new HttpClient { BaseAddress = Stack.ServiceUrl("sso-connector") };
        var document = await http.GetStringAsync("/openapi/v1.json", Ct);
        foreach (var path in new[] { "/api/connector-factories", "/api/connectors/{id}/authorization-uri", "/api/sso-connectors/{id}/idp-initiated-auth-config", "/api/sso-connector-providers" })
            Assert.Contains($"\"{path}\"", document);
    }

    private async Task<(string Config, string? Secrets)> StoredAsync(string sql, string id)
    {
        await using var connection = new NpgsqlConnection(Stack.ConnectionString("ssoconnectordb"));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }
}
