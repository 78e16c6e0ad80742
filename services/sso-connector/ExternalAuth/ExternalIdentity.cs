using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.SsoConnector.ExternalAuth;

/// <summary>
/// The normalized answer of every connector, social or enterprise, OIDC, OAuth 2.0 or SAML: who the provider says the
/// user is. <c>emailVerified</c> is true only when the provider vouches for the address (or the connector is told to
/// trust it, <c>trustUnverifiedEmail</c>); signin links and registers from this and nothing else.
/// </summary>
/// <remarks><c>syncProfile</c>: the connector's setting, so signin copies name and avatar at every sign-in (Logto's rule).</remarks>
public sealed record ExternalIdentity(string ConnectorId, string Target, string Kind, ExternalUserInfo UserInfo, bool SyncProfile = false);

public sealed record ExternalUserInfo(string Id, string? Email, bool EmailVerified, string? Phone, bool PhoneVerified, string? Name, string? Avatar, JsonObject RawData);

public static class IdentityKinds
{
    public const string Social = "social";
    public const string Sso = "sso";
}

/// <summary>A value or the problem that stops it; every failure a provider can cause ends as a 4xx/502 problem, never a 500.</summary>
public readonly record struct Outcome<T>(T? Value, ProblemHttpResult? Problem)
{
    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(ProblemHttpResult problem) => new(default, problem);
}
