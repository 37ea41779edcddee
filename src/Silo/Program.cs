using Dispatch.Hosting;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);

builder.UseOrleans(silo => silo
    .UseDispatchClustering(builder.Configuration)
    .AddDispatchDefaultProviders(builder.Configuration)
    .AddDispatch(builder.Configuration));

await builder.Build().RunAsync();
