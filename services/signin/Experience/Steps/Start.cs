using Microsoft.AspNetCore.Http.HttpResults;
using static Auth.Platform.Signin.Experience.ExperienceProblems;

namespace Auth.Platform.Signin.Experience.Steps;

public sealed record InteractionEventBody(string? InteractionEvent);
public sealed record VerificationRecordSummary(string Id, string Type);
public sealed record InteractionResponse(string InteractionEvent, string? UserId, IReadOnlyList<VerificationRecordSummary> VerificationRecords);

/// <summary>Choosing the interaction's event (SignIn, Register, ForgotPassword) and reading where it stands.</summary>
public static class Start
{
    /// <summary><c>PUT /api/experience {interactionEvent}</c>: another event starts over.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> StartEvent([AsParameters] ExperienceContext c, InteractionEventBody body)
    {
        if (body.InteractionEvent is not { } name || !InteractionEvents.All.Contains(name))
            return InvalidInput("interactionEvent must be SignIn, Register or ForgotPassword.");
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return problem;
        if (EventDisabled(name, (await c.Settings.GetAsync(c.Cancellation)).SignInMode) is { } disabled) return disabled;
        interaction!.StartOver(name);
        return await c.SaveAsync(interaction) ? TypedResults.NoContent() : NoInteraction();
    }

    /// <summary>
    /// Logto's <c>PUT /api/experience/interaction-event</c>: SignIn ⇄ Register keeping the verification records, so a code
    /// already verified can finish as the other event (the cross-overs). ForgotPassword is never switched to or from.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> SwitchEvent([AsParameters] ExperienceContext c, InteractionEventBody body)
    {
        if (body.InteractionEvent is not (InteractionEvents.SignIn or InteractionEvents.Register) && body.InteractionEvent != InteractionEvents.ForgotPassword)
            return InvalidInput("interactionEvent must be SignIn or Register.");
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return problem;
        if (body.InteractionEvent == InteractionEvents.ForgotPassword || interaction!.Event == InteractionEvents.ForgotPassword)
            return VerificationFailed("ForgotPassword cannot be switched to or from; start it with PUT /api/experience.");
        if (EventDisabled(body.InteractionEvent!, (await c.Settings.GetAsync(c.Cancellation)).SignInMode) is { } disabled) return disabled;
        interaction.SwitchEvent(body.InteractionEvent!);
        return await c.SaveAsync(interaction) ? TypedResults.NoContent() : NoInteraction();
    }

    /// <summary><c>GET /api/experience/interaction</c>: the event, the identified user and the first-factor records.</summary>
    public static async Task<Results<Ok<InteractionResponse>, ProblemHttpResult>> GetInteraction([AsParameters] ExperienceContext c)
    {
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return problem;
        return TypedResults.Ok(new InteractionResponse(interaction!.Event, interaction.UserId,
            [.. interaction.VerificationRecords.Select(r => new VerificationRecordSummary(r.Id, r.Type))]));
    }
}
