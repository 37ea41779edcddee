using Dispatch.Gateway;
using Dispatch.Gateway.Security;
using Dispatch.Hosting;

// `--in-memory`: a throwaway run that keeps nothing (the default keeps grain state in SQLite).
var inMemory = args.Contains("--in-memory");
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = [.. args.Where(a => a != "--in-memory")],
    ContentRootPath = AppContext.BaseDirectory,
});

if (inMemory)
{
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Dispatch:Storage:Provider"] = "memory" });
}

// Gateway:Mode — "embedded" (default): one process with a co-hosted silo and the generated demo
// city; "client": an Orleans client of the silos of a cluster (see the README's cluster section).
var mode = builder.Configuration["Gateway:Mode"] ?? "embedded";
if (string.Equals(mode, "client", StringComparison.OrdinalIgnoreCase))
{
    builder.AddDispatchClient();
}
else if (string.Equals(mode, "embedded", StringComparison.OrdinalIgnoreCase))
{
    builder.AddDispatchSilo();
}
else
{
    Console.Error.WriteLine($"Gateway:Mode is '{mode}'; use 'embedded' (a co-hosted silo) or 'client' (connect to a cluster's silos).");
    return 2;
}

builder.AddDispatchFrontDoor();
builder.UseDefaultUrlUnlessConfigured();

var app = builder.Build();
app.UseDispatchFrontDoor();
app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<ApiKeyRegistry>().PrintDevelopmentKeys(app.Urls));
app.Run();
return 0;

public partial class Program;
