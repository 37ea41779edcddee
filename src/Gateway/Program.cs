using Dispatch.Gateway;
using Dispatch.Gateway.Security;
using Dispatch.Hosting;

// The embedded default: one process with a co-hosted silo and the generated demo city.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

builder.AddDispatchSilo();
builder.AddDispatchFrontDoor();

var app = builder.Build();
app.UseDispatchFrontDoor();
app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<ApiKeyRegistry>().PrintDevelopmentKeys(app.Urls));
app.Run();

public partial class Program;
