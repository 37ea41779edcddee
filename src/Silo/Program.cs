using Dispatch.Hosting;
using Dispatch.Silo;
using Microsoft.Extensions.Hosting;

// Settings sit beside the binary, wherever the command is run from.
var command = DispatchMaintenance.IsCommand(args);
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = command ? [.. args.SkipWhile(a => !a.StartsWith('-'))] : args,
    ContentRootPath = AppContext.BaseDirectory,
});

if (command)
{
    // `Dispatch.Silo migrate`, `register rebuild`, `journal verify`: work on the database and exit.
    return await DispatchMaintenance.RunAsync(args, builder.Configuration, Console.Out);
}

builder.AddDispatchSilo();
builder.AddPrometheusListener();
await builder.Build().RunAsync();
return 0;
