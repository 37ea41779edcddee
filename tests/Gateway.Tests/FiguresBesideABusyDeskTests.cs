using System.Net;
using System.Net.Http.Json;
using Dispatch.Desks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatch.Gateway.Tests;

/// <summary>
/// Holds a grid desk's turn on a gate: the call that enters it blocks its thread, as a desk does in a
/// turn of a second or more under load, so no other message of that desk runs until the gate opens.
/// </summary>
public sealed class DeskTurnHold : IIncomingGrainCallFilter
{
    private readonly ManualResetEventSlim _gate = new(initialState: false);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? GridId { get; set; }

    /// <summary>Completes once a call of the held desk is inside its turn.</summary>
    public Task Entered => _entered.Task;

    public void Release() => _gate.Set();

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (GridId is not null && context.InterfaceMethod?.Name == nameof(IGridGrain.GetDesk) && context.TargetId.Key.ToString() == GridId)
        {
            _entered.TrySetResult();
            // Blocking on purpose: a synchronous stretch keeps the desk's activation busy (it is reentrant,
            // so only a turn that does not yield holds it). Bounded, so a broken test cannot hang the run.
            _gate.Wait(TimeSpan.FromMinutes(2));
        }

        await context.Invoke();
    }
}

/// <summary>The embedded gateway on SQLite, with a hold on one desk's turns.</summary>
public sealed class DeskHoldGatewayFactory : GatewayFactory
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"dispatch-desk-hold-{Guid.NewGuid():N}");

    public DeskTurnHold Hold { get; } = new();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Dispatch:Storage:Provider"] = "sqlite";
        settings["Dispatch:Storage:DataFolder"] = _folder;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IIncomingGrainCallFilter>(Hold));
    }

    public override async ValueTask DisposeAsync()
    {
        Hold.Release();
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Issue 17, item 8: figures are read from the register, never queued behind a desk's turn.</summary>
public sealed class FiguresBesideABusyDeskTests(DeskHoldGatewayFactory gateway) : IClassFixture<DeskHoldGatewayFactory>
{
    private const string Grid = "D01-S01-C01-G01";

    [Fact]
    public async Task Statistics_of_a_grid_and_its_community_answer_while_the_grids_desk_is_held_in_a_turn()
    {
        var filed = await Reports.File(gateway, "sanitation", $"{Grid}-B001");
        var operatorKey = gateway.ClientFor(GatewayFactory.Operator);

        gateway.Hold.GridId = Grid;
        var heldDesk = operatorKey.GetAsync($"/api/v1/grids/{Grid}/desk");
        await gateway.Hold.Entered.WaitAsync(TimeSpan.FromMinutes(1));

        foreach (var key in new[] { $"grid:{Grid}", "community:D01-S01-C01", "city:demo" })
        {
            var figures = await operatorKey.GetAsync($"/api/v1/statistics/{key}").WaitAsync(TimeSpan.FromMinutes(1));
            Assert.Equal(HttpStatusCode.OK, figures.StatusCode);
        }

        // The register too, and the case itself (its own grain).
        Assert.Equal(HttpStatusCode.OK, (await operatorKey.GetAsync($"/api/v1/incidents?grid={Grid}").WaitAsync(TimeSpan.FromMinutes(1))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await operatorKey.GetAsync($"/api/v1/incidents/{filed.Id}").WaitAsync(TimeSpan.FromMinutes(1))).StatusCode);

        // All of that was answered while the desk was still inside the held turn.
        Assert.False(heldDesk.IsCompleted);
        gateway.Hold.Release();
        Assert.Equal(HttpStatusCode.OK, (await heldDesk).StatusCode);
    }
}
