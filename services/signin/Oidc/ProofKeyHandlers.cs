using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using Authentication = OpenIddict.Server.OpenIddictServerHandlers.Authentication;
using Exchange = OpenIddict.Server.OpenIddictServerHandlers.Exchange;

namespace Auth.Platform.Signin.Oidc;

/// <summary>
/// RFC 7636 §4.2: a <c>code_challenge</c> is 43 to 128 characters of <c>[A-Z] [a-z] [0-9] - . _ ~</c>. OpenIddict only
/// checks that one is present, so a short (guessable) challenge would otherwise be stored with the code.
/// </summary>
public sealed class CodeChallengeFormatCheck : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseSingletonHandler<CodeChallengeFormatCheck>()
            .SetOrder(Authentication.ValidateProofKeyForCodeExchangeParameters.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        if (context.Request.CodeChallenge is { } challenge && !IsWellFormed(challenge))
            context.Reject(Errors.InvalidRequest, "The specified 'code_challenge' must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' or '~' (RFC 7636).");
        return default;
    }

    public static bool IsWellFormed(string challenge) =>
        challenge.Length is >= 43 and <= 128 && challenge.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');
}

/// <summary>
/// OpenIddict's own <c>code_verifier</c> check, plus: a wrong verifier burns the code. Without this a failed redemption
/// leaves the code valid, so whoever holds a stolen code can keep guessing until the legitimate client redeems it
/// (issue 10 pt 11). The code's token entry is revoked, so the next redemption, even with the right verifier, answers
/// <c>invalid_grant</c>.
/// </summary>
public sealed class CodeVerifierCheckThatRevokes(IOpenIddictTokenManager tokens, ILogger<CodeVerifierCheckThatRevokes> logger)
    : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    private static readonly Exchange.ValidateCodeVerifier BuiltIn = new();

    /// <summary>Takes the built-in handler's place (remove <see cref="Exchange.ValidateCodeVerifier.Descriptor"/>).</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseScopedHandler<CodeVerifierCheckThatRevokes>()
            .SetOrder(Exchange.ValidateCodeVerifier.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        await BuiltIn.HandleAsync(context);
        if (!context.IsRejected || context.Error != Errors.InvalidGrant || !context.Request.IsAuthorizationCodeGrantType()) return;
        if (context.AuthorizationCodePrincipal?.GetTokenId() is not { } tokenId || await tokens.FindByIdAsync(tokenId, context.CancellationToken) is not { } code) return;
        if (!await tokens.TryRevokeAsync(code, context.CancellationToken))
            logger.LogWarning("The authorization code {TokenId} could not be revoked after a wrong code_verifier", tokenId);
    }
}
