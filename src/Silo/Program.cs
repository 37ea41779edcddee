using Dispatch.Hosting;
using Dispatch.Silo;
using Microsoft.Extensions.Hosting;

// Settings sit beside the binary, wherever the command is run from.
var command = DispatchMaintenance.IsCommand(args);
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = command ? DispatchMaintenance.ConfigurationArgs(args) : args,
    ContentRootPath = AppContext.BaseDirectory,
});

if (command)
{
    // `Dispatch.Silo migrate`, `register rebuild`, `journal verify`, `territory import`: work on the storage and exit.
    return await DispatchMaintenance.RunAsync(args, builder.Configuration, Console.Out);
}

builder.AddDispatchSilo();
builder.AddPrometheusListener();
await builder.Build().RunAsync();
return 0;
