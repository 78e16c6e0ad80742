using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;

namespace Auth.Platform.SsoConnector.Connectors;

/// <summary>
/// A connector's configuration at rest: the public fields as JSON, the secret ones (client secrets, private keys)
/// sealed with Data Protection in a separate column, so they are never returned and never stored in clear.
/// </summary>
public sealed class ConnectorConfigVault(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Auth.Platform.SsoConnector.ConnectorSecrets.v1");
    private readonly IDataProtector _spKeys = provider.CreateProtector("Auth.Platform.SsoConnector.SamlSpKeys.v1");

    public string SealSpCredentials(Saml.SamlSpCredentials credentials) =>
        _spKeys.Protect(System.Text.Json.JsonSerializer.Serialize(credentials, JsonDefaults.Web));

    public Saml.SamlSpCredentials OpenSpCredentials(string sealedCredentials) =>
        System.Text.Json.JsonSerializer.Deserialize<Saml.SamlSpCredentials>(_spKeys.Unprotect(sealedCredentials), JsonDefaults.Web)!;

    /// <summary>
    /// Splits <paramref name="config"/> into its public JSON and sealed secrets. Secret fields absent from the new
    /// config keep their previous value (an admin edits a connector without retyping its secret); a null clears one.
    /// </summary>
    public (string Config, string? Secrets) Seal(JsonObject config, IEnumerable<string> secretKeys, string? previousSecrets = null)
    {
        var publicPart = (JsonObject)config.DeepClone();
        var keys = secretKeys.ToList();
        // No secret in this change: the sealed value stays as it is (not re-encrypted for nothing).
        if (previousSecrets is not null && !keys.Any(publicPart.ContainsKey)) return (publicPart.ToJsonString(), previousSecrets);
        var secrets = previousSecrets is null ? new JsonObject() : OpenSecrets(previousSecrets);
        foreach (var key in keys)
        {
            if (!publicPart.TryGetPropertyValue(key, out var value)) continue;
            publicPart.Remove(key);
            if (value is null) secrets.Remove(key);
            else secrets[key] = value.DeepClone();
        }
        return (publicPart.ToJsonString(), secrets.Count == 0 ? null : _protector.Protect(secrets.ToJsonString()));
    }

    /// <summary>The whole configuration, secrets included, for talking to the provider; never for a response.</summary>
    public JsonObject Open(string config, string? secrets)
    {
        var all = JsonNode.Parse(config) as JsonObject ?? [];
        if (secrets is null) return all;
        foreach (var (key, value) in OpenSecrets(secrets)) all[key] = value?.DeepClone();
        return all;
    }

    public static JsonObject Public(string config) => JsonNode.Parse(config) as JsonObject ?? [];

    private JsonObject OpenSecrets(string sealedSecrets) => JsonNode.Parse(_protector.Unprotect(sealedSecrets)) as JsonObject ?? [];
}

/// <summary>Checks a configuration against a form: required fields present, each field of its declared JSON type.</summary>
public static class ConnectorConfigRules
{
    /// <returns>Null when valid, else what is wrong (names a field, never echoes a value).</returns>
    public static string? Problem(JsonObject config, IEnumerable<ConnectorFormItem> form, bool requireAll, Func<string, bool>? isStillSet = null)
    {
        foreach (var item in form)
        {
            config.TryGetPropertyValue(item.Key, out var value);
            if (value is null)
            {
                if (requireAll && item.Required && !(isStillSet?.Invoke(item.Key) ?? false)) return $"config.{item.Key} is required.";
                continue;
            }
            var valid = item.Type switch
            {
                "Switch" => value.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False,
                "Json" => value is JsonObject,
                "MultiSelect" => value is JsonArray,
                _ => value.GetValueKind() == System.Text.Json.JsonValueKind.String && (!item.Required || value.GetValue<string>().Length > 0),
            };
            if (!valid) return $"config.{item.Key} has the wrong type.";
            if (item.Type is not ("Switch" or "Json" or "MultiSelect") && item.Key.EndsWith("Endpoint", StringComparison.Ordinal) || item.Key is "issuer" or "metadataUrl")
            {
                if (value.GetValueKind() == System.Text.Json.JsonValueKind.String && !IsHttpUrl(value.GetValue<string>())) return $"config.{item.Key} must be an absolute http(s) URL.";
            }
        }
        return null;
    }

    public static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && string.IsNullOrEmpty(uri.UserInfo);
}

