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

    /// <summary>
    /// Longest a call may take in all, retries included, before the caller gets a 503. It covers a
    /// silo's failover (the cluster declares a killed silo dead within seconds). Default: 20 s.
    /// </summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The first retry's delay; later ones back off exponentially with jitter. Default: 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between two retries. Default: 2 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Every call from the gateway into the cluster goes through here. Idempotent calls (reads,
/// registering a report under its reserved case number, duty changes) are retried on any transient
/// cluster failure; calls that must not run twice (accept, resolve, close ...) only when the
/// failure proves the message never reached a grain.
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

    /// <summary>
    /// Transient failures where the message was refused or never sent, so no grain ran it. A silo
    /// that died after receiving a call (<see cref="SiloUnavailableException"/>) or a timeout may
    /// have run it: those are not in this set (though it derives from the rejection).
    /// </summary>
    public static bool NeverDelivered(Exception exception) => exception is
        (OrleansMessageRejectionException and not SiloUnavailableException) or Orleans.Runtime.Messaging.ConnectionFailedException or GatewayTooBusyException;

    public static void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterCallOptions>().Bind(configuration.GetSection(ClusterCallOptions.Section))
            .Validate(o => o.AttemptTimeout > TimeSpan.Zero && o.TotalTimeout >= o.AttemptTimeout && o.RetryDelay >= TimeSpan.Zero && o.MaxRetryDelay >= o.RetryDelay,
                "Gateway:Cluster needs a positive AttemptTimeout, TotalTimeout >= AttemptTimeout, RetryDelay >= 0 and MaxRetryDelay >= RetryDelay.")
            .ValidateOnStart();

        services.AddResiliencePipeline(IdempotentPipeline, (pipeline, context) =>
            Build(pipeline, context.ServiceProvider.GetRequiredService<IOptions<ClusterCallOptions>>().Value, IsTransient));
        services.AddResiliencePipeline(OncePipeline, (pipeline, context) =>
            Build(pipeline, context.ServiceProvider.GetRequiredService<IOptions<ClusterCallOptions>>().Value, NeverDelivered));
        services.AddSingleton<ClusterCalls>();
    }

    /// <summary>The total timeout, around retries until it runs out, around one attempt's timeout.</summary>
    private static void Build(ResiliencePipelineBuilder pipeline, ClusterCallOptions options, Func<Exception, bool> retryOn) => pipeline
        .AddTimeout(options.TotalTimeout)
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle(retryOn),
            MaxRetryAttempts = int.MaxValue,
            Delay = options.RetryDelay,
            MaxDelay = options.MaxRetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .AddTimeout(options.AttemptTimeout);
}
