using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dispatch.Hosting;
using Dispatch.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dispatch.Gateway.Tests;

/// <summary>The embedded gateway with a small demo city, its own silo ports and fixed test keys.</summary>
public class GatewayFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Hotline = "test-hotline-key";
    public const string Operator = "test-operator-key";
    public const string Admin = "test-admin-key";
    public const string Worker1 = "test-worker-1-key";
    public const string Worker2 = "test-worker-2-key";
    public const string Worker3 = "test-worker-3-key";

    /// <summary>An operator key limited to community D01-S01-C01, and a hotline key limited to D01-S01-C02.</summary>
    public const string OperatorC01 = "test-operator-c01-key";
    public const string HotlineC02 = "test-hotline-c02-key";

    /// <summary>The worker keys by the worker they act as (the first grid's roster).</summary>
    public static readonly Dictionary<string, string> WorkerKeys = new() { ["W000001"] = Worker1, ["W000002"] = Worker2, ["W000003"] = Worker3 };

    /// <summary>What the gateway's access checks logged (refusals).</summary>
    public LogCapture AccessLogs { get; } = new("Dispatch.Gateway");

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Orleans:Endpoints:SiloPort"] = LocalMachine.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:Endpoints:GatewayPort"] = LocalMachine.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Dispatch:Storage:Provider"] = "memory",
            ["Dispatch:DemoCity:Enabled"] = "true",
            ["Dispatch:DemoCity:StreetsPerDistrict"] = "1",
            ["Dispatch:DemoCity:CommunitiesPerStreet"] = "2",
            ["Dispatch:DemoCity:GridsPerCommunity"] = "2",
            ["Dispatch:DemoCity:BuildingsPerGrid"] = "3",
            ["Dispatch:DemoCity:WorkersPerGrid"] = "3",
        };
        string[][] keys =
        [
            [Hotline, "hotline", "hotline-desk", ""], [Operator, "operator", "duty-officer", ""], [Admin, "admin", "admin", ""],
            [Worker1, "worker", "worker-1", "W000001"], [Worker2, "worker", "worker-2", "W000002"],
            [Worker3, "worker", "worker-3", "W000003"],
            [OperatorC01, "operator", "c01-operator", "", "community:D01-S01-C01"], [HotlineC02, "hotline", "c02-hotline", "", "community:D01-S01-C02"],
        ];
        for (var i = 0; i < keys.Length; i++)
        {
            settings[$"Gateway:ApiKeys:{i}:Key"] = keys[i][0];
            settings[$"Gateway:ApiKeys:{i}:Role"] = keys[i][1];
            settings[$"Gateway:ApiKeys:{i}:Name"] = keys[i][2];
            settings[$"Gateway:ApiKeys:{i}:WorkerId"] = keys[i][3].Length == 0 ? null : keys[i][3];
            settings[$"Gateway:ApiKeys:{i}:Scope"] = keys[i].Length > 4 ? keys[i][4] : null;
        }

        builder.ConfigureLogging(logging => logging.AddProvider(AccessLogs));
        Configure(settings);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Lets a derived factory change settings before the host starts.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    public async Task InitializeAsync() => await Services.GetRequiredService<DemoCitySeeder>().Loaded;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    public HttpClient ClientFor(string apiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }
}
