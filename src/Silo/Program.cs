using Dispatch.Hosting;
using Microsoft.Extensions.Hosting;

// Settings sit beside the binary, wherever the command is run from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

builder.AddDispatchSilo();

await builder.Build().RunAsync();
