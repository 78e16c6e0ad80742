using Auth.Platform.Account.AccountCenter;
using Auth.Platform.Account.Data;
using Auth.Platform.Account.Identities;
using Auth.Platform.Account.MyAccount;
using Auth.Platform.Account.Users;
using Auth.Platform.Account.Verifications;
using Auth.Platform.BuildingBlocks.Persistence;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPlatformDefaults();
builder.AddAccountServices();

var app = builder.Build();
if (await app.MigrateDatabaseAsync<AccountDbContext>(args)) return;
app.UsePlatformDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapInternalUsersApi();
app.MapInternalUsersBatchApi();
app.MapManagementUsersApi();
app.MapInternalIdentitiesApi();
app.MapManagementIdentitiesApi();
app.MapAccountCenterApi();
app.MapMyAccountApi();
app.MapVerificationsApi();
app.Run();
