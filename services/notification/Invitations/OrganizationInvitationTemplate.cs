using Auth.Platform.Notification.Delivery;

namespace Auth.Platform.Notification.Invitations;

/// <summary>Logto's <c>OrganizationInvitation</c> email (the link is the integrator's landing page), in English and French.</summary>
public static class OrganizationInvitationTemplate
{
    public const string Purpose = "OrganizationInvitation";

    public static RenderedMessage Render(string organizationName, string link, string? locale) =>
        MessageTemplates.NormalizeLocale(locale) == "fr"
            ? new($"Invitation à rejoindre {organizationName}",
                $"Vous êtes invité(e) à rejoindre l'organisation {organizationName}.\n\nAcceptez l'invitation ici : {link}\n\nSi vous n'attendiez pas cette invitation, ignorez ce message.\n")
            : new($"You are invited to join {organizationName}",
                $"You have been invited to join the organization {organizationName}.\n\nAccept the invitation here: {link}\n\nIf you were not expecting this invitation, you can ignore this message.\n");
}
