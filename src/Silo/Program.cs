using Dispatch.Hosting;
using Dispatch.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

// Settings sit beside the binary, wherever the command is run from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args.Length > 0 && args[0] == "migrate" ? args[1..] : args,
    ContentRootPath = AppContext.BaseDirectory,
});

if (args.Length > 0 && args[0] == "migrate")
{
    // `Dispatch.Silo migrate`: apply the PostgreSQL schema on ConnectionStrings:Dispatch and exit.
    var connection = builder.Configuration.GetConnectionString(DispatchStorageOptions.ConnectionName);
    if (string.IsNullOrWhiteSpace(connection))
    {
        Console.Error.WriteLine("Set ConnectionStrings:Dispatch (environment: ConnectionStrings__Dispatch) to the PostgreSQL database to migrate.");
        return 2;
    }

    var applied = await SchemaMigrator.ApplyAsync(connection);
    Console.WriteLine(applied.Count == 0
        ? $"Schema up to date ({SchemaMigrator.Scripts.Count} scripts applied earlier)."
        : $"Applied {applied.Count} script(s): {string.Join(", ", applied)}.");
    return 0;
}

builder.AddDispatchSilo();
await builder.Build().RunAsync();
return 0;
