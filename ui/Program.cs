using Auth.Platform.Ui.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var app = builder.Build();
app.UseHostedUi();
app.MapDefaultEndpoints();
app.MapHostedUiPages();
app.Run();
