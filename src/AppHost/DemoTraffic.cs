using System.Globalization;
using System.Security.Cryptography;
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

/// <summary>
/// The gateway's API keys under the AppHost: the operators' four (parameters, so the dashboard shows
/// them under Parameters; a new one each run unless set as <c>Parameters:admin-key</c> and so on) and
/// two of the demo traffic's own, so its requests are not counted against an operator's rate limit.
/// </summary>
internal sealed class GatewayKeys
{
    private GatewayKeys(IDistributedApplicationBuilder builder)
    {
        Hotline = Parameter(builder, "hotline-key");
        Operator = Parameter(builder, "operator-key");
        Admin = Parameter(builder, "admin-key");
        Worker = Parameter(builder, "worker-key");
        DemoHotline = NewKey();
        DemoAdmin = NewKey();
    }

    public IResourceBuilder<ParameterResource> Hotline { get; }

    public IResourceBuilder<ParameterResource> Operator { get; }

    public IResourceBuilder<ParameterResource> Admin { get; }

    /// <summary>Acts as worker W000001, as the embedded gateway's development worker key does.</summary>
    public IResourceBuilder<ParameterResource> Worker { get; }

    public string DemoHotline { get; }

    public string DemoAdmin { get; }

    public static GatewayKeys Add(IDistributedApplicationBuilder builder) => new(builder);

    /// <summary>As <c>Gateway:ApiKeys</c> entries in the gateway's environment.</summary>
    public IResourceBuilder<ProjectResource> GiveTo(IResourceBuilder<ProjectResource> gateway)
    {
        var index = 0;
        Entry("apphost-hotline", "hotline", Hotline.Resource);
        Entry("apphost-operator", "operator", Operator.Resource);
        Entry("apphost-admin", "admin", Admin.Resource);
        Entry("apphost-worker-W000001", "worker", Worker.Resource).WithEnvironment($"Gateway__ApiKeys__{index - 1}__WorkerId", "W000001");
        Entry("demo-traffic-hotline", "hotline", DemoHotline);
        Entry("demo-traffic-admin", "admin", DemoAdmin);
        return gateway;

        // The key is a parameter's value or a string.
        IResourceBuilder<ProjectResource> Entry(string name, string role, object key)
        {
            var prefix = $"Gateway__ApiKeys__{index++}__";
            return gateway
                .WithEnvironment(context => context.EnvironmentVariables[prefix + "Key"] = key)
                .WithEnvironment(prefix + "Name", name)
                .WithEnvironment(prefix + "Role", role);
        }
    }

    private static IResourceBuilder<ParameterResource> Parameter(IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

    private static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
