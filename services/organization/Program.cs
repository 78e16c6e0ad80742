using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.Organization.Data;
using Auth.Platform.Organization.Invitations;
using Auth.Platform.Organization.JustInTime;
using Auth.Platform.Organization.Organizations;
using Auth.Platform.Organization.Template;
using Auth.Platform.Organization.UserDirectory;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPlatformDefaults();
builder.AddOrganizationServices();

var app = builder.Build();
if (await app.MigrateDatabaseAsync<OrganizationDbContext>(args)) return;
app.UsePlatformDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapUserDirectoryApi();
app.MapManagementOrganizationsApi();
app.MapOrganizationMembersApi();
app.MapOrganizationMemberRolesApi();
app.MapOrganizationScopesApi();
app.MapOrganizationRolesApi();
app.MapOrganizationInvitationsApi();
app.MapOrganizationJitApi();
app.MapInternalMembershipsApi();
app.Run();
