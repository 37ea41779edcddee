using System.Collections.Concurrent;
using System.Diagnostics;
using Dispatch.Bench.Stats;

namespace Dispatch.Bench.Load;

/// <param name="Shape">Offered reports per second over time (open loop: sent on schedule whether or not earlier ones were answered).</param>
/// <param name="MaxInFlight">Reports awaiting an answer beyond which the generator stops offering (counted as not offered).</param>
/// <param name="ClosedLoopConcurrency">When positive, ignore <paramref name="Shape"/> and keep this many reports in flight: the maximum sustained rate.</param>
public sealed record LoadRunOptions(
    LoadShape Shape,
    TimeSpan Duration,
    int MaxInFlight,
    TimeSpan AcceptDelayMin,
    TimeSpan AcceptDelayMax,
    TimeSpan ResolveDelayMin,
    TimeSpan ResolveDelayMax,
    int ClosedLoopConcurrency)
{
    /// <summary>How long after the last report the driver keeps waiting for assignments still on their way.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>When positive, a line of running totals is printed this often (a long demo run has no end to wait for).</summary>
    public TimeSpan ProgressEvery { get; init; }

    public string Describe() => ClosedLoopConcurrency > 0
        ? $"closed loop, {ClosedLoopConcurrency} reports in flight, {Duration.TotalSeconds:N0} s"
        : Duration == Timeout.InfiniteTimeSpan ? $"{Shape}, until stopped" : $"{Shape}, {Duration.TotalSeconds:N0} s";
}

/// <summary>
/// Drives a <see cref="ILoadTarget"/> with the report mix and plays the workers: each case that
/// reaches a worker is accepted and later resolved after delays drawn from the options. Records
/// how long reports take to be acknowledged and to reach a worker.
/// </summary>
public static class LoadDriver
{
    public static LoadRunOptions OptionsFrom(BenchArgs args)
    {
        var rate = args.Double("rate", 200);
        var options = new LoadRunOptions(
            new LoadShape(rate, args.Double("burst-factor", 10), args.Seconds("burst-every", 30), args.Seconds("burst-length", 2)),
            args.Seconds("duration", 60),
            args.Int("max-in-flight", 5_000),
            args.Seconds("accept-after", 1), args.Seconds("accept-within", 5),
            args.Seconds("resolve-after", 5), args.Seconds("resolve-within", 20),
            args.Int("concurrency", 0))
        {
            Drain = args.Seconds("drain", 10),
        };
        if (options.ClosedLoopConcurrency <= 0 && rate <= 0)
        {
            throw new ArgumentException("Give --rate above 0, or --concurrency N for the maximum sustained rate.");
        }

        if (options.AcceptDelayMax < options.AcceptDelayMin || options.ResolveDelayMax < options.ResolveDelayMin)
        {
            throw new ArgumentException("--accept-within must be at least --accept-after, and --resolve-within at least --resolve-after.");
        }

        return options;
    }

    /// <param name="stop">Ends the sending early, as the end of <see cref="LoadRunOptions.Duration"/> would: answers and assignments on their way are still waited for.</param>
    public static async Task<LoadResult> RunAsync(ILoadTarget target, ReportMix mix, LoadRunOptions options, CancellationToken cancellationToken, CancellationToken stop = default)
    {
        using var run = new Run(target, options);
        target.Assigned = run.OnAssigned;
        await target.StartAsync(cancellationToken);

        await using var machine = MachineStats.Start();
        var started = Stopwatch.GetTimestamp();
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop);
        stopSending.CancelAfter(options.Duration);
        var progress = options.ProgressEvery > TimeSpan.Zero ? PrintProgress(run, options.ProgressEvery, stopSending.Token) : Task.CompletedTask;
        if (options.ClosedLoopConcurrency > 0)
        {
            await Task.WhenAll(Enumerable.Range(0, options.ClosedLoopConcurrency).Select(async _ =>
            {
                while (!stopSending.IsCancellationRequested)
                {
                    await run.ReportAsync(mix.Next(), cancellationToken);
                }
            }));
        }
        else
        {
            await OfferOnSchedule(run, mix, options, stopSending.Token, cancellationToken);
        }

        var sendingTime = Stopwatch.GetElapsedTime(started);
        await progress;
        await run.WhenReportsAnswered();

        // The machine's figures are of the load itself, not of the quieter wait for late assignments.
        var summary = await machine.StopAsync();
        await run.DrainAssignments(options.Drain, cancellationToken);
        await run.StopWorkers();
        return run.Result(sendingTime, summary);
    }

    private static async Task PrintProgress(Run run, TimeSpan every, CancellationToken stopSending)
    {
        var started = Stopwatch.GetTimestamp();
        using var tick = new PeriodicTimer(every);
        try
        {
            while (await tick.WaitForNextTickAsync(stopSending))
            {
                Console.WriteLine($"[load] {Stopwatch.GetElapsedTime(started).TotalSeconds:N0} s: {run.Progress()}");
            }
        }
        catch (OperationCanceledException) when (stopSending.IsCancellationRequested)
        {
        }
    }

    /// <summary>Offers reports on the shape's schedule, every 5 ms, without waiting for answers.</summary>
    private static async Task OfferOnSchedule(Run run, ReportMix mix, LoadRunOptions options, CancellationToken stopSending, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var due = 0.0;
        var last = TimeSpan.Zero;
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        try
        {
            while (await tick.WaitForNextTickAsync(stopSending))
            {
                var now = Stopwatch.GetElapsedTime(started);
                due += options.Shape.RateAt(now) * (now - last).TotalSeconds;
                last = now;
                for (; due >= 1; due--)
                {
                    if (run.InFlight >= options.MaxInFlight)
                    {
                        run.NotOffered();
                        continue;
                    }

                    _ = run.ReportAsync(mix.Next(), cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (stopSending.IsCancellationRequested)
        {
        }
    }

    private sealed class Run(ILoadTarget target, LoadRunOptions options) : IDisposable
    {
        private readonly ConcurrentDictionary<string, Tracked> _cases = new();
        private readonly ConcurrentDictionary<string, (Assignment Assignment, long SeenAt)> _early = new();
        private readonly ConcurrentDictionary<string, int> _errors = new();
        private readonly ConcurrentDictionary<string, int> _workerErrors = new();
        private readonly ConcurrentBag<Task> _workers = [];
        private readonly CancellationTokenSource _stopWorkers = new();
        private readonly Percentiles _acknowledge = new();
        private readonly Percentiles _assignServer = new();
        private readonly Percentiles _assignClient = new();
        private readonly TaskCompletionSource _allAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _sent;
        private long _acknowledged;
        private long _duplicates;
        private long _notOffered;
        private long _accepted;
        private long _resolved;
        private int _inFlight;
        private volatile bool _sendingDone;

        public int InFlight => Volatile.Read(ref _inFlight);

        public void NotOffered() => Interlocked.Increment(ref _notOffered);

        public async Task ReportAsync(PlannedReport report, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _inFlight);
            Interlocked.Increment(ref _sent);
            if (report.Duplicate)
            {
                Interlocked.Increment(ref _duplicates);
            }

            var sentAt = Stopwatch.GetTimestamp();
            try
            {
                var ack = await target.ReportAsync(report, cancellationToken);
                var answeredAt = Stopwatch.GetTimestamp();
                _acknowledge.Add(Stopwatch.GetElapsedTime(sentAt, answeredAt));
                Interlocked.Increment(ref _acknowledged);
                _cases[ack.IncidentId] = new Tracked(sentAt, ack.RegisteredAt);

                // The feed may have told of the assignment before the answer arrived.
                if (_early.TryRemove(ack.IncidentId, out var early))
                {
                    Record(early.Assignment, early.SeenAt);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _errors.AddOrUpdate(ErrorKind(ex), 1, static (_, n) => n + 1);
            }
            finally
            {
                if (Interlocked.Decrement(ref _inFlight) == 0 && _sendingDone)
                {
                    _allAnswered.TrySetResult();
                }
            }
        }

        public void OnAssigned(Assignment assignment)
        {
            var seenAt = Stopwatch.GetTimestamp();
            if (_cases.ContainsKey(assignment.IncidentId))
            {
                Record(assignment, seenAt);
            }
            else
            {
                _early.TryAdd(assignment.IncidentId, (assignment, seenAt));
            }
        }

        public Task WhenReportsAnswered()
        {
            _sendingDone = true;
            if (InFlight == 0)
            {
                _allAnswered.TrySetResult();
            }

            return _allAnswered.Task;
        }

        /// <summary>Waits until every acknowledged case was assigned or <paramref name="drain"/> passes without progress.</summary>
        public async Task DrainAssignments(TimeSpan drain, CancellationToken cancellationToken)
        {
            var lastCount = -1;
            var quietSince = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(quietSince) < drain)
            {
                var count = _assignServer.Count;
                if (count != lastCount)
                {
                    lastCount = count;
                    quietSince = Stopwatch.GetTimestamp();
                }

                await Task.Delay(200, cancellationToken);
            }
        }

        public void Dispose() => _stopWorkers.Dispose();

        /// <summary>The running totals, in a line.</summary>
        public string Progress()
        {
            var errors = _errors.Values.Sum() + _workerErrors.Values.Sum();
            var kinds = _errors.Concat(_workerErrors).GroupBy(e => e.Key).Select(g => $"{g.Key} ×{g.Sum(e => e.Value)}");
            return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"sent {Interlocked.Read(ref _sent):N0}, acknowledged {Interlocked.Read(ref _acknowledged):N0}, assigned {_assignServer.Count:N0} (registered -> assigned {_assignServer.Summarize()}), accepted {Interlocked.Read(ref _accepted):N0}, resolved {Interlocked.Read(ref _resolved):N0}, errors {errors:N0}{(errors == 0 ? "" : $" ({string.Join(", ", kinds)})")}");
        }

        public async Task StopWorkers()
        {
            await _stopWorkers.CancelAsync();
            await Task.WhenAll(_workers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        public LoadResult Result(TimeSpan sendingTime, MachineSummary machine) => new(
            target.Name,
            options.Describe(),
            sendingTime,
            Interlocked.Read(ref _sent),
            Interlocked.Read(ref _acknowledged),
            Interlocked.Read(ref _duplicates),
            Interlocked.Read(ref _notOffered),
            _errors.ToDictionary(),
            _acknowledge.Summarize(),
            _assignServer.Summarize(),
            _assignClient.Summarize(),
            Interlocked.Read(ref _accepted),
            Interlocked.Read(ref _resolved),
            _workerErrors.ToDictionary(),
            machine);

        private void Record(Assignment assignment, long seenAt)
        {
            if (!_cases.TryGetValue(assignment.IncidentId, out var tracked) || Interlocked.Exchange(ref tracked.Assigned, 1) == 1)
            {
                // Reassignments and repeats: only the first assignment of a case counts.
                return;
            }

            _assignServer.Add(Math.Max(0, (assignment.At - tracked.RegisteredAt).TotalMilliseconds));
            _assignClient.Add(Stopwatch.GetElapsedTime(tracked.SentAt, seenAt));
            if (!_stopWorkers.IsCancellationRequested)
            {
                _workers.Add(PlayWorker(assignment, _stopWorkers.Token));
            }
        }

        /// <summary>The worker accepts after a while, goes there, and resolves.</summary>
        private async Task PlayWorker(Assignment assignment, CancellationToken cancellationToken)
        {
            try
            {
                await Task.Delay(Between(options.AcceptDelayMin, options.AcceptDelayMax), cancellationToken);
                await target.AcceptAsync(assignment, cancellationToken);
                Interlocked.Increment(ref _accepted);
                await Task.Delay(Between(options.ResolveDelayMin, options.ResolveDelayMax), cancellationToken);
                await target.ResolveAsync(assignment, cancellationToken);
                Interlocked.Increment(ref _resolved);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The run ended while the worker was still out.
            }
            catch (Exception ex)
            {
                _workerErrors.AddOrUpdate(ErrorKind(ex), 1, static (_, n) => n + 1);
            }
        }

        private static TimeSpan Between(TimeSpan min, TimeSpan max) =>
            min + TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * (max - min).Ticks));

        private static string ErrorKind(Exception ex) => ex is LoadTargetException target ? target.Kind : ex.GetType().Name;

        private sealed class Tracked(long sentAt, DateTimeOffset registeredAt)
        {
            public long SentAt { get; } = sentAt;

            public DateTimeOffset RegisteredAt { get; } = registeredAt;

            public int Assigned;
        }
    }
}

/// <summary>A refusal by the system under load, named the way the results group it (e.g. "HTTP 503").</summary>
public sealed class LoadTargetException(string kind, string message) : Exception(message)
{
    public string Kind { get; } = kind;
}
