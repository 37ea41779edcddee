using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace Dispatch.Gateway.Cluster;

/// <summary>Bound from <c>Gateway:Cluster</c>: how the front door calls the cluster.</summary>
public sealed class ClusterCallOptions
{
    public const string Section = "Gateway:Cluster";

    /// <summary>Longest wait for one attempt of a call. Default: 10 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of an idempotent call after a transient failure. Default: 3.</summary>
    public int Retries { get; set; } = 3;

    /// <summary>The first retry's delay; later ones back off exponentially with jitter. Default: 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);
}

/// <summary>
/// Every call from the gateway into the cluster goes through here. Idempotent calls (reads,
/// registering a report under its reserved case number, duty changes) are retried on transient
/// cluster failures; calls that must not run twice (accept, resolve, close ...) get a timeout only.
/// </summary>
public sealed class ClusterCalls(ResiliencePipelineProvider<string> pipelines)
{
    public const string IdempotentPipeline = "cluster-idempotent";
    public const string OncePipeline = "cluster-once";

    private readonly ResiliencePipeline _idempotent = pipelines.GetPipeline(IdempotentPipeline);
    private readonly ResiliencePipeline _once = pipelines.GetPipeline(OncePipeline);

    public Task<T> Idempotent<T>(Func<Task<T>> call, CancellationToken cancellationToken = default) =>
        _idempotent.ExecuteAsync(static async (c, ct) => await c().WaitAsync(ct), call, cancellationToken).AsTask();

    public Task<T> Once<T>(Func<Task<T>> call, CancellationToken cancellationToken = default) =>
        _once.ExecuteAsync(static async (c, ct) => await c().WaitAsync(ct), call, cancellationToken).AsTask();

    /// <summary>Failures that say "the cluster is not reachable right now", not "your request is wrong".</summary>
    public static bool IsTransient(Exception exception) => exception is
        SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException
        or GatewayTooBusyException or TimeoutException or TimeoutRejectedException;

    public static void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterCallOptions>().Bind(configuration.GetSection(ClusterCallOptions.Section))
            .Validate(o => o.AttemptTimeout > TimeSpan.Zero && o.Retries >= 0 && o.RetryDelay >= TimeSpan.Zero,
                "Gateway:Cluster needs a positive AttemptTimeout, Retries >= 0 and RetryDelay >= 0.")
            .ValidateOnStart();

        services.AddResiliencePipeline(IdempotentPipeline, (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<ClusterCallOptions>>().Value;
            if (options.Retries > 0)
            {
                pipeline.AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                    MaxRetryAttempts = options.Retries,
                    Delay = options.RetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                });
            }

            pipeline.AddTimeout(options.AttemptTimeout);
        });
        services.AddResiliencePipeline(OncePipeline, (pipeline, context) =>
            pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<ClusterCallOptions>>().Value.AttemptTimeout));
        services.AddSingleton<ClusterCalls>();
    }
}
