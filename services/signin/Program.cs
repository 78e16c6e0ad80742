using Auth.Platform.Signin;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Applications;
using Auth.Platform.Signin.Consent;
using Auth.Platform.Signin.Experience;
using Auth.Platform.Signin.Oidc;
using Auth.Platform.Signin.Sessions;
using Auth.Platform.Signin.SignInExperience;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPlatformDefaults();
builder.AddSigninServices();

var app = builder.Build();
if (await app.InitializeSigninAsync(args)) return;
app.UsePlatformDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapOidcEndpointsApi();
app.MapExperienceApi();
app.MapAccountReadCounter();
app.MapApplicationsApi();
app.MapSessionsApi();
app.MapConsentApi();
app.MapSignInExperienceApi();
app.Run();
