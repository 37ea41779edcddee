using Dispatch.Hosting;
using Microsoft.Extensions.Hosting;

// Settings sit beside the binary, wherever the command is run from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

builder.UseOrleans(silo => silo
    .UseDispatchClustering(builder.Configuration)
    .AddDispatchDefaultProviders(builder.Configuration)
    .AddDispatch(builder.Configuration));

builder.Services.AddDemoCity(builder.Configuration);

await builder.Build().RunAsync();
