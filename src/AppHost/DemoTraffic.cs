using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatch.AppHost;

/// <summary>
/// The <c>demo-traffic</c> resource: <c>Dispatch.Bench demo</c> against the gateway — residents of the
/// demo city report at a steady rate and its workers accept and resolve — started and stopped from
/// the dashboard. It does not start with the AppHost; its command <i>Start at a rate…</i> asks for
/// the rate (and restarts a running generator at the new one); the resource's own Start uses the
/// last rate (<c>Dispatch:AppHost:DemoTrafficRate</c>, default 5 a second) and its Stop ends it.
/// </summary>
internal static class DemoTraffic
{
    public const string ResourceName = "demo-traffic";
    public const string StartAtRateCommand = "demo-traffic-start-at-rate";
    public const string RateArgument = "rate";
    public const double MaxRate = 200;

    public static IResourceBuilder<ProjectResource> AddDemoTraffic(this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> gateway, GatewayKeys keys)
    {
        var rate = new Rate(builder.Configuration.GetValue("Dispatch:AppHost:DemoTrafficRate", 5.0));
        return builder.AddProject<Projects.Dispatch_Bench>(ResourceName)
            .WithArgs(context =>
            {
                context.Args.Add("demo");
                context.Args.Add("--url");
                context.Args.Add(gateway.GetEndpoint("http"));
                context.Args.Add("--hotline-key");
                context.Args.Add(keys.DemoHotline);
                context.Args.Add("--admin-key");
                context.Args.Add(keys.DemoAdmin);
                context.Args.Add("--rate");
                context.Args.Add(rate.Value.ToString(CultureInfo.InvariantCulture));
            })
            .WithExplicitStart()
            .WaitFor(gateway)
            .WithCommand(StartAtRateCommand, "Start at a rate…", context => StartAtRateAsync(context, rate), new CommandOptions
            {
                Description = "Starts the demo traffic at the rate given (reports a second), or restarts it at that rate when it runs.",
                IconName = "Play",
                IsHighlighted = true,
                Arguments =
                [
                    new InteractionInput
                    {
                        Name = RateArgument,
                        Label = "Reports a second",
                        InputType = InputType.Number,
                        Required = true,
                        Value = rate.Value.ToString(CultureInfo.InvariantCulture),
                    },
                ],
                ValidateArguments = context =>
                {
                    if (!TryReadRate(context.Inputs[RateArgument].Value, out _))
                    {
                        context.AddValidationError(RateArgument, $"A number above 0 and at most {MaxRate:N0}.");
                    }

                    return Task.CompletedTask;
                },
                UpdateState = context =>
                {
                    rate.Running = context.ResourceSnapshot.State?.Text == KnownResourceStates.Running;
                    return ResourceCommandState.Enabled;
                },
            });
    }

    private static async Task<ExecuteCommandResult> StartAtRateAsync(ExecuteCommandContext context, Rate rate)
    {
        if (!TryReadRate(context.Arguments[RateArgument].Value, out var value))
        {
            return CommandResults.Failure($"The rate is a number of reports a second above 0 and at most {MaxRate:N0}.");
        }

        rate.Value = value;
        var commands = context.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(ResourceName, rate.Running ? KnownResourceCommands.RestartCommand : KnownResourceCommands.StartCommand, context.CancellationToken);
        return result.Success ? CommandResults.Success($"Demo traffic at {value.ToString(CultureInfo.InvariantCulture)} reports a second.") : result;
    }

    private static bool TryReadRate(string? text, out double rate) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out rate) && rate > 0 && rate <= MaxRate;

    /// <summary>The rate the next start uses, and whether the generator runs (seen from its snapshots).</summary>
    private sealed class Rate(double initial)
    {
        public volatile bool Running;

        public double Value { get; set; } = initial;
    }
}
