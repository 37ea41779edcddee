using Dispatch.Gateway.Apis;
using Dispatch.Gateway.Cluster;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatch.Gateway.Tests;

public sealed class ClusterCallsTests
{
    private static ClusterCalls Calls(TimeSpan? timeout = null, TimeSpan? total = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Cluster:RetryDelay"] = "00:00:00.001",
            ["Gateway:Cluster:MaxRetryDelay"] = "00:00:00.010",
            ["Gateway:Cluster:AttemptTimeout"] = (timeout ?? TimeSpan.FromMilliseconds(200)).ToString(),
            ["Gateway:Cluster:TotalTimeout"] = (total ?? TimeSpan.FromSeconds(10)).ToString(),
        }).Build();
        var services = new ServiceCollection();
        ClusterCalls.Register(services, configuration);
        return services.BuildServiceProvider().GetRequiredService<ClusterCalls>();
    }

    [Fact]
    public async Task An_idempotent_call_is_retried_through_transient_cluster_failures()
    {
        var attempts = 0;
        var result = await Calls().Idempotent(() => ++attempts < 3 ? throw new SiloUnavailableException("silo died") : Task.FromResult(42));

        Assert.Equal(42, result);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_call_that_must_not_run_twice_is_not_retried_when_a_grain_may_have_run_it()
    {
        var attempts = 0;
        await Assert.ThrowsAsync<SiloUnavailableException>(() => Calls().Once<int>(() => { attempts++; throw new SiloUnavailableException("silo died"); }));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task A_call_that_must_not_run_twice_is_retried_when_it_never_left_the_gateway()
    {
        var attempts = 0;
        var result = await Calls().Once(() => ++attempts < 3
            ? throw new Orleans.Runtime.Messaging.ConnectionFailedException("Unable to connect to S127.0.0.1:11112")
            : Task.FromResult(7));

        Assert.Equal(7, result);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Retries_stop_when_the_total_timeout_runs_out_and_the_failure_is_transient()
    {
        var attempts = 0;
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Calls(total: TimeSpan.FromMilliseconds(300))
            .Idempotent<int>(() => { attempts++; throw new SiloUnavailableException("no silo"); }));

        Assert.True(ClusterCalls.IsTransient(failure), failure.GetType().Name);
        Assert.True(attempts > 1, $"{attempts} attempts");
    }

    [Fact]
    public async Task A_database_outage_is_retried_and_one_that_outlasts_the_budget_ends_as_the_outage_not_a_timeout()
    {
        var attempts = 0;
        var result = await Calls().Idempotent(() => ++attempts < 3
            ? throw new OrleansException("rejected", new Errors.StorageUnavailableException("database down"))
            : Task.FromResult(5));
        Assert.Equal(5, result);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Calls(total: TimeSpan.FromMilliseconds(300))
            .Idempotent<int>(() => throw new Errors.StorageUnavailableException("database down")));
        Assert.IsType<Errors.StorageUnavailableException>(failure);

        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services, Response = { Body = new MemoryStream() } };
        Assert.True(await new ProblemMapping(services.GetRequiredService<IProblemDetailsService>()).TryHandleAsync(http, failure, default));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal("5", http.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task Refusals_of_the_domain_are_not_retried()
    {
        var attempts = 0;
        await Assert.ThrowsAsync<Errors.IllegalTransitionException>(() =>
            Calls().Idempotent<int>(() => { attempts++; throw new Errors.IllegalTransitionException("x", "Closed", "Accept"); }));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task A_hung_call_times_out_and_answers_503_with_retry_after()
    {
        var never = new TaskCompletionSource<int>();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Calls(TimeSpan.FromMilliseconds(50)).Once(() => never.Task));
        Assert.True(ClusterCalls.IsTransient(failure), failure.GetType().Name);

        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services, Response = { Body = new MemoryStream() } };
        var handled = await new ProblemMapping(services.GetRequiredService<IProblemDetailsService>()).TryHandleAsync(http, failure, default);

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal("5", http.Response.Headers.RetryAfter.ToString());
    }
}
