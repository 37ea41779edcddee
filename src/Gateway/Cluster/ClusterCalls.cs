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
/// cluster failure, a database outage included; calls that must not run twice (accept, resolve,
/// close ...) only when the failure proves the message never reached a grain (an unavailable
/// database may have failed during the commit, so it is not retried for them).
/// </summary>
public sealed class ClusterCalls(ResiliencePipelineProvider<string> pipelines)
{
    public const string IdempotentPipeline = "cluster-idempotent";
    public const string OncePipeline = "cluster-once";

    private readonly ResiliencePipeline _idempotent = pipelines.GetPipeline(IdempotentPipeline);
    private readonly ResiliencePipeline _once = pipelines.GetPipeline(OncePipeline);

    public Task<T> Idempotent<T>(Func<Task<T>> call, CancellationToken cancellationToken = default) =>
        Execute(_idempotent, call, cancellationToken);

    public Task<T> Once<T>(Func<Task<T>> call, CancellationToken cancellationToken = default) =>
        Execute(_once, call, cancellationToken);

    /// <summary>
    /// Runs <paramref name="call"/> through <paramref name="pipeline"/>. When the total timeout ends
    /// the retries of a database outage, the caller hears of the outage, not of a timeout.
    /// </summary>
    private static async Task<T> Execute<T>(ResiliencePipeline pipeline, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var attempts = new Attempts<T>(call);
        try
        {
            return await pipeline.ExecuteAsync(static (a, ct) => a.Run(ct), attempts, cancellationToken);
        }
        catch (TimeoutRejectedException) when (StorageFailure(attempts.LastFailure) is { } storage)
        {
            throw storage;
        }
    }

    /// <summary>
    /// Failures that say "the cluster is not reachable right now", not "your request is wrong": no
    /// silo answers, or one answers that its database is unavailable.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception is
        SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException
        or GatewayTooBusyException or TimeoutException or TimeoutRejectedException
        || StorageFailure(exception) is not null;

    /// <summary>
    /// The <see cref="Errors.StorageUnavailableException"/> in the chain of <paramref name="exception"/>: a
    /// silo's database is down. It may be wrapped, as in the rejection of a grain whose state could not be
    /// read when it activated.
    /// </summary>
    public static Errors.StorageUnavailableException? StorageFailure(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is Errors.StorageUnavailableException storage)
            {
                return storage;
            }
        }

        return null;
    }

    /// <summary>
    /// Transient failures where the message was refused or never sent, so no grain ran it. A silo
    /// that died after receiving a call (<see cref="SiloUnavailableException"/>) or a timeout may
    /// have run it: those are not in this set (though it derives from the rejection).
    /// </summary>
    public static bool NeverDelivered(Exception exception) => exception is
        (OrleansMessageRejectionException and not SiloUnavailableException) or Orleans.Runtime.Messaging.ConnectionFailedException or GatewayTooBusyException;

    /// <summary>One call's attempts, remembering how the last one failed.</summary>
    private sealed class Attempts<T>(Func<Task<T>> call)
    {
        public Exception? LastFailure { get; private set; }

        public async ValueTask<T> Run(CancellationToken cancellationToken)
        {
            try
            {
                return await call().WaitAsync(cancellationToken);
            }
            catch (Exception e)
            {
                LastFailure = e;
                throw;
            }
        }
    }

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
