using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Signin.Experience.Verifications;

/// <summary>What a first factor's record proves at identification: the user, nobody yet (<c>UserId</c> null), or a refusal.</summary>
public sealed record ProvenUser(string? UserId, UserSnapshot? User = null, ProblemHttpResult? Refused = null);

/// <summary>
/// A verification method (Kratos's strategy): proves something and leaves a record with an id that identification, MFA
/// or profile completion consume. Each method is one file in this folder: its routes' handlers, its record, and this
/// contract, which the steps use without knowing the method. A new method (social, enterprise SSO) is a new file:
/// <see cref="VerificationMethods"/> finds it, and its record carries an <see cref="ExternalIdentity"/>.
/// </summary>
public interface IVerification
{
    /// <summary>The record types it leaves (Logto's verification type names).</summary>
    IReadOnlyCollection<string> Types { get; }

    /// <summary>Events whose identification may consume a verified record of this method; empty for second factors and
    /// for methods that identify in their own verify step (passkey).</summary>
    IReadOnlyCollection<string> Identifies { get; }

    /// <summary>RFC 8176 <c>amr</c> values of a sign-in that used a record of this type.</summary>
    string[] Amr(string type);

    /// <summary>SignIn identification: the existing user the record proves, checked against the sign-in settings.</summary>
    Task<ProvenUser> FindUserAsync(ExperienceContext c, VerificationRecord record, SignInExperienceSettings settings) =>
        Task.FromResult(new ProvenUser(null, Refused: ExperienceProblems.VerificationFailed("This verification does not identify a user.")));
}

/// <summary>Every <see cref="IVerification"/> of this assembly, by record type.</summary>
public static class VerificationMethods
{
    private static readonly Dictionary<string, IVerification> ByType = typeof(IVerification).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IVerification).IsAssignableFrom(t))
        .Select(t => (IVerification)Activator.CreateInstance(t)!)
        .SelectMany(m => m.Types.Select(type => (type, m)))
        .ToDictionary(x => x.type, x => x.m);

    public static IVerification? For(string? type) => type is not null && ByType.TryGetValue(type, out var method) ? method : null;

    /// <summary>A verified record of a method that identifies users for this event.</summary>
    public static bool CanIdentify(VerificationRecord record, string interactionEvent) =>
        record.Verified && For(record.Type)?.Identifies.Contains(interactionEvent) == true;

    public static string[] Amr(string? type) => type is not null && For(type) is { } method ? method.Amr(type) : [];
}
