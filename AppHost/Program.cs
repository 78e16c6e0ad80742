using Auth.Platform.AppHost;
using Auth.Platform.AppHost.Hosting;

var builder = PlatformApplication.CreateBuilder(args);
PlatformTopology.Build(builder);
return await builder.Build().RunAsync();
