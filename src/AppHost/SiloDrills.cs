using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatch.AppHost;

/// <summary>
/// Failover drills from the dashboard, on the gateway (the view of the system a drill is watched
/// from): stop one silo and see its desks come back on the survivors, then start it again. They use
/// Aspire's own stop and start of that resource (every resource also has them in its own menu).
/// </summary>
internal static class SiloDrills
{
    public static IResourceBuilder<ProjectResource> WithSiloDrills(this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ProjectResource> silo)
    {
        var name = silo.Resource.Name;
        return gateway
            .WithCommand($"drill-stop-{name}", $"Drill: stop {name}",
                context => RunAsync(context, name, KnownResourceCommands.StopCommand),
                new CommandOptions
                {
                    Description = $"Stops {name} (as its own Stop does); its desks are woken on the other silos within seconds.",
                    ConfirmationMessage = $"Stop {name}?",
                    IconName = "Stop",
                    UpdateState = _ => ResourceCommandState.Enabled,
                })
            .WithCommand($"drill-start-{name}", $"Drill: start {name}",
                context => RunAsync(context, name, KnownResourceCommands.StartCommand),
                new CommandOptions
                {
                    Description = $"Starts {name} again; it rejoins the cluster.",
                    IconName = "Play",
                    UpdateState = _ => ResourceCommandState.Enabled,
                });
    }

    private static async Task<ExecuteCommandResult> RunAsync(ExecuteCommandContext context, string resource, string command)
    {
        var commands = context.Services.GetRequiredService<ResourceCommandService>();
        return await commands.ExecuteCommandAsync(resource, command, context.CancellationToken);
    }
}
