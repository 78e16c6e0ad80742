using Auth.Platform.Ui.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRedactedRequestLogging();

var app = builder.Build();
app.UseRedactedRequestLogging();
app.UseHostedUi();
app.MapDefaultEndpoints();
app.MapHostedUiPages();
app.Run();
