using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Account.Users;

/// <summary>The problems the user directory answers with; codes are Logto's.</summary>
public static class UserErrors
{
    public static ProblemHttpResult NotFound() => PlatformProblems.Create(404, "user.not_found", "The user does not exist.");
    public static ProblemHttpResult UsernameInUse() => PlatformProblems.Create(422, "user.username_already_in_use", "This username is already in use.");
    public static ProblemHttpResult EmailInUse() => PlatformProblems.Create(422, "user.email_already_in_use", "This email is associated with an existing account.");
    public static ProblemHttpResult PhoneInUse() => PlatformProblems.Create(422, "user.phone_already_in_use", "This phone number is associated with an existing account.");
    public static ProblemHttpResult InvalidCredentials() => PlatformProblems.Create(422, "session.invalid_credentials", "Wrong account or password.");
    /// <summary>Logto's code for a phone number it cannot parse (400, as a guard failure).</summary>
    public static ProblemHttpResult InvalidPhone() => PlatformProblems.Create(400, "user.invalid_phone", "The phone number is not valid: use the international form, e.g. +33 6 12 34 56 78.");
    public static ProblemHttpResult InvalidInput(string detail) => PlatformProblems.Create(400, "guard.invalid_input", detail);
}
