using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Dispatch.AppHost;
using Microsoft.Extensions.Configuration;

// The cluster of scripts/cluster under Aspire: PostgreSQL (a container, the machine's own binaries,
// or an existing server), the schema applied once, three silos (the first loads the demo city) and
// the gateway as an Orleans client, with telemetry on the Aspire dashboard.
var builder = DistributedApplication.CreateBuilder(args);

var database = builder.AddDispatchDatabase();
var keys = GatewayKeys.Add(builder);

// The Orleans dashboard's grain-level view, for admins on the gateway: it profiles every grain call,
// so a cluster that does not want it turns it off here.
var orleansDashboard = builder.Configuration.GetValue("Dispatch:AppHost:OrleansDashboard", true) ? "true" : "false";
var adoNet = new AdoNetProvider(database);

// A new ClusterId per run: membership rows of an earlier run (a silo killed hard, a database kept
// in the local data folder) are never probed by this one. Grain state and reminders are keyed by
// the ServiceId, which stays.
var orleans = builder.AddOrleans("dispatch-cluster")
    .WithClusterId($"dispatch-{Guid.NewGuid():N}")
    .WithServiceId("dispatch")
    .WithClustering(adoNet)
    .WithGrainStorage("Default", adoNet)
    .WithReminders(adoNet);

// `Dispatch.Silo migrate` applies the schema once and exits; the silos start after it succeeded.
var migrate = builder.AddProject<Projects.Silo>("migrate")
    .WithArgs("migrate")
    .WithDispatchStorage(database)
    .WaitFor(database);

// Separate resources rather than WithReplicas: each silo can be stopped and started on its own in
// a drill, and only the first loads the demo city into an empty map (three never race to load it).
var silos = Enumerable.Range(1, 3)
    .Select(n => builder.AddProject<Projects.Silo>($"silo-{n}")
        .WithReference(orleans)
        .WithDispatchStorage(database)
        .WithEnvironment("Dispatch__DemoCity__Enabled", n == 1 ? "true" : "false")
        .WithEnvironment("Orleans__Endpoints__AdvertisedIPAddress", "127.0.0.1")
        .WithEnvironment("Dispatch__Dashboard__Enabled", orleansDashboard)
        .WaitForCompletion(migrate))
    .ToList();

var gateway = builder.AddProject<Projects.Gateway>("gateway")
    .WithReference(orleans.AsClient())
    .WithDispatchStorage(database)
    .WithEnvironment("Gateway__Mode", "client")
    .WithEnvironment("Dispatch__Dashboard__Enabled", orleansDashboard)
    .WithHttpEndpoint()
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithUrlForEndpoint("http", url => url.DisplayText = "gateway")
    .WithUrls(context =>
    {
        var http = context.Resource is IResourceWithEndpoints resource ? resource.GetEndpoint("http") : null;
        if (http is { IsAllocated: true })
        {
            context.Urls.Add(new ResourceUrlAnnotation { Url = $"{http.Url}/api/", DisplayText = "API page" });
            if (orleansDashboard == "true")
            {
                // Asks for the admin key (Parameters: admin-key) once, then keeps the sign-in in a cookie.
                context.Urls.Add(new ResourceUrlAnnotation { Url = $"{http.Url}/orleans-dashboard/", DisplayText = "Orleans dashboard" });
            }
        }
    })
    .WithSiloDrills(silos[1]);
keys.GiveTo(gateway);

foreach (var silo in silos)
{
    gateway.WaitFor(silo);
}

builder.AddDemoTraffic(gateway, keys);

builder.Build().Run();
