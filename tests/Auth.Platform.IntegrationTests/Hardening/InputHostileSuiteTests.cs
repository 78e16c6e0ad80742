using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Auth.Platform.IntegrationTests.Signin;
using Auth.Platform.Testing;

namespace Auth.Platform.IntegrationTests.Hardening;

/// <summary>
/// The hostile-input suite (issue 10): every public route × a table of hostile inputs, sent through the gateway with a
/// Management token and a live interaction. Routes come from each service's endpoint data sources
/// (<c>/internal/dev/endpoints</c>, Development only) and the OIDC discovery document, so a new route joins the table
/// by construction. Expected: never a 5xx, never a stack trace or an internal address in a response.
/// In the sign-in experience collection: some inputs reach <c>PATCH /api/sign-in-exp</c>; the defaults are restored.
/// </summary>
[Collection(nameof(SignInExperienceTests))]
public sealed partial class InputHostileSuiteTests(PlatformStackFixture fixture) : IDisposable
{
    private static readonly string[] Services = ["signin", "account", "mfa", "organization", "notification", "sso-connector"];
    private readonly SigninClient _client = new(fixture.Stack.GatewayUrl, fixture.Stack.ManagementClient);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    private sealed record Route(string Method, string Template);

    private sealed record HostileInput(string Name, bool NeedsBody, Func<HttpRequestMessage, HttpRequestMessage> Apply);

    [Fact]
    public async Task EveryPublicRoute_WithEveryHostileInput_NeverAnswers5xxOrLeaks()
    {
        var routes = await PublicRoutesAsync();
        Assert.True(routes.Count > 40, $"only {routes.Count} routes found");
        var token = await _client.ManagementTokenAsync();
        var clientId = (await _client.CreateApplicationAsync("SPA", "http://localhost:3000/callback")).GetProperty("id").GetString()!;
        using (await _client.GetAsync(SigninClient.AuthorizePath(clientId, "http://localhost:3000/callback", SigninClient.NewPkce().Challenge))) { }
        var internalAddresses = Services.Select(s => fixture.Stack.ServiceUrl(s).Authority).ToArray();

        var cases = (from route in routes
                     from input in Inputs
                     where !input.NeedsBody || route.Method is "POST" or "PUT" or "PATCH"
                     from path in Paths(route.Template, input.Name)
                     select (route, input, path)).ToList();
        var failures = new ConcurrentBag<string>();
        var serverErrors = 0;
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (c, ct) =>
        {
            using var request = c.input.Apply(new HttpRequestMessage(new HttpMethod(c.route.Method), c.path));
            request.Headers.Authorization = new("Bearer", token);
            HttpResponseMessage response;
            try { response = await _client.Http.SendAsync(request, ct); }
            catch (HttpRequestException e)
            {
                failures.Add($"{c.route.Method} {c.path} [{c.input.Name}]: no answer ({e.Message})");
                return;
            }
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(ct);
                if ((int)response.StatusCode >= 500)
                {
                    Interlocked.Increment(ref serverErrors);
                    failures.Add($"{c.route.Method} {c.path} [{c.input.Name}]: {(int)response.StatusCode} {Truncate(body)}");
                }
                if (StackTrace().IsMatch(body)) failures.Add($"{c.route.Method} {c.path} [{c.input.Name}]: stack trace in {Truncate(body)}");
                if (internalAddresses.FirstOrDefault(a => body.Contains(a, StringComparison.OrdinalIgnoreCase)) is { } leaked)
                    failures.Add($"{c.route.Method} {c.path} [{c.input.Name}]: internal address {leaked}");
            }
        });
        await RestoreSignInExperienceAsync();

        var summary = $"hostile-input suite: {routes.Count} routes x {Inputs.Length} inputs, {cases.Count} requests, {serverErrors} 5xx, {failures.Count} failures";
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        Console.WriteLine(summary);
        Assert.True(failures.IsEmpty, summary + "\n" + string.Join("\n", failures.OrderBy(f => f, StringComparer.Ordinal).Take(60)));
    }

    /// <summary>Every service's routes minus the non-public ones, plus the OIDC endpoints OpenIddict serves itself.</summary>
    private async Task<List<Route>> PublicRoutesAsync()
    {
        var routes = new HashSet<Route>();
        foreach (var service in Services)
        {
            using var http = new HttpClient { BaseAddress = fixture.Stack.ServiceUrl(service) };
            var entries = await http.GetFromJsonAsync<JsonElement>("/internal/dev/endpoints", Ct);
            foreach (var entry in entries.EnumerateArray())
            {
                var route = new Route(entry.GetProperty("method").GetString()!, entry.GetProperty("route").GetString()!);
                if (route.Template.StartsWith("/internal", StringComparison.Ordinal) || route.Template.StartsWith("/openapi", StringComparison.Ordinal)
                    || route.Template is "/health" or "/alive" || route.Method == "*") continue;
                routes.Add(route);
            }
        }
        var discovery = await _client.Http.GetFromJsonAsync<JsonElement>("/oidc/.well-known/openid-configuration", Ct);
        foreach (var property in discovery.EnumerateObject().Where(p => p.Name.EndsWith("_endpoint", StringComparison.Ordinal)))
        {
            var path = new Uri(property.Value.GetString()!).AbsolutePath;
            routes.Add(new Route("GET", path));
            routes.Add(new Route("POST", path));
        }
        return [.. routes.OrderBy(r => r.Template, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)];
    }

    /// <summary>The route with its parameters filled; the "hostile route value" input also tries an RTL override there.</summary>
    private static IEnumerable<string> Paths(string template, string input)
    {
        var filled = RouteParameter().Replace(template, input == "route value with RTL override" ? "%E2%80%AEx" : "hostile-id");
        if (input != "route value with RTL override" || filled != template) yield return filled;
    }

    private static readonly string Deep = new string('[', 100) + new string(']', 100);
    private static readonly string MegabyteString = "{\"name\":\"" + new string('a', 1_000_000) + "\"}";
    private static readonly byte[] Oversized = new byte[2 * 1024 * 1024];

    private static readonly HostileInput[] Inputs =
    [
        Query("NUL in query", "?page=%00&q=%00"),
        Query("numbers out of range", "?page=-1&page_size=99999999999999999999"),
        Query("injection in query", "?q=%27%20OR%201%3D1--&search=%3Cscript%3Ealert(1)%3C%2Fscript%3E&id=..%2F..%2Fetc%2Fpasswd"),
        Query("route value with RTL override", ""),
        Query("16 KB query", "?q=" + new string('a', 16 * 1024)),
        Body("malformed JSON", "{\"name\":"),
        Body("wrong types", """{"name":123,"username":true,"identifier":[1],"password":{},"interactionEvent":5,"type":[],"verificationId":1.5,"code":false}"""),
        Body("array root", "[1,2,3]"),
        Body("null root", "null"),
        Body("nulls", """{"name":null,"username":null,"identifier":null,"password":null,"interactionEvent":null,"type":null}"""),
        Body("duplicate keys", """{"name":"a","name":"b","type":"SPA","type":"MachineToMachine"}"""),
        Body("deep nesting", "{\"name\":" + Deep + "}"),
        Body("NUL and control characters", """{"name":"a\u0000b","username":"a\u0007b","identifier":{"type":"username","value":"x\u0000"},"password":"p\u0000","interactionEvent":"SignIn\u0000"}"""),
        Body("lone surrogates", """{"name":"\ud800","username":"\udc00x","identifier":{"type":"email","value":"\ud800@example.com"},"password":"\ud800"}"""),
        Body("RTL override", """{"name":"\u202Eabc","username":"\u202Eabc","identifier":{"type":"username","value":"\u202Eabc"},"password":"\u202Epassword123"}"""),
        Body("1 MB string", MegabyteString),
        new("oversized body", true, r => { r.Content = new ByteArrayContent(Oversized); r.Content.Headers.ContentType = new("application/json"); return r; }),
        new("wrong content type", true, r => { r.Content = new StringContent("<name>x</name>", Encoding.UTF8, "application/xml"); return r; }),
        new("form with NUL", true, r => { r.Content = new StringContent("client_id=%00&name=a%00b&token=%00", Encoding.UTF8, "application/x-www-form-urlencoded"); return r; }),
        Body("injection strings", """{"name":"' OR 1=1 --","username":"<script>alert(1)</script>","identifier":{"type":"username","value":"admin'--"},"password":"${jndi:ldap://x/a}","description":"{{7*7}}","customData":{"$where":"1"},"avatar":"javascript:alert(1)"}"""),
    ];

    private static HostileInput Query(string name, string query) => new(name, false, r =>
    {
        r.RequestUri = new Uri(r.RequestUri!.OriginalString + query, UriKind.Relative);
        return r;
    });

    private static HostileInput Body(string name, string json) => new(name, true, r =>
    {
        r.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return r;
    });

    private async Task RestoreSignInExperienceAsync()
    {
        using var response = await _client.ManagementAsync(HttpMethod.Patch, "/api/sign-in-exp", new
        {
            signInMode = "SignInAndRegister",
            signUp = new { identifiers = new[] { "username" }, password = true, verify = false, secondaryIdentifiers = Array.Empty<object>() },
            signIn = new { methods = new[] { new { identifier = "username", password = true, verificationCode = false, isPasswordPrimary = true } } },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex(@"\n\s+at \S+\(|\.cs:line \d+|System\.\w+Exception|Npgsql")]
    private static partial Regex StackTrace();
}
