using System.Data.Common;
using Dispatch.Errors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Dispatch.Storage;

/// <summary>
/// Database errors become <see cref="StorageUnavailableException"/> before they leave a silo. A
/// database driver's own exception (Npgsql's, SQLite's) has no Orleans codec: carried in a
/// grain's answer, or in the rejection of a grain whose state could not be read at activation,
/// it reached the gateway as a <c>CodecNotFoundException</c> — a permanent-looking 500 for what
/// is a transient outage. Ours crosses the wire, and the gateway retries it and answers 503.
/// </summary>
public static partial class StorageFailures
{
    /// <summary>
    /// Translates database errors everywhere grains meet them: grain storage (state read at
    /// activation, writes) and every grain call (the register, reminders). Call it after the grain
    /// storage providers are registered: it wraps those registered so far.
    /// </summary>
    public static ISiloBuilder TranslateStorageFailures(this ISiloBuilder silo)
    {
        var services = silo.Services;
        for (var i = 0; i < services.Count; i++)
        {
            var original = services[i];
            if (original.ServiceType == typeof(IGrainStorage) && original.IsKeyedService)
            {
                services[i] = new ServiceDescriptor(typeof(IGrainStorage), original.ServiceKey,
                    (sp, key) => new TranslatingGrainStorage(Create(original, sp, key)), original.Lifetime);
            }
        }

        silo.AddIncomingGrainCallFilter<StorageFailureFilter>();
        return silo;
    }

    /// <summary>
    /// The exception to throw instead of <paramref name="exception"/>: a database error anywhere in its
    /// chain as <see cref="StorageUnavailableException"/> (one already in the chain is brought to the
    /// top); null when it is no storage failure.
    /// </summary>
    public static StorageUnavailableException? Translate(Exception exception)
    {
        if (exception is StorageUnavailableException or InconsistentStateException)
        {
            return null;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StorageUnavailableException ours:
                    return ours;
                case DbException db:
                    return new StorageUnavailableException($"The database is not available ({db.GetType().Name}: {db.Message}); try again shortly.");
            }
        }

        return null;
    }

    private static IGrainStorage Create(ServiceDescriptor original, IServiceProvider services, object? key) =>
        (IGrainStorage)(original.KeyedImplementationInstance
            ?? original.KeyedImplementationFactory?.Invoke(services, key)
            ?? ActivatorUtilities.CreateInstance(services, original.KeyedImplementationType!));

    [LoggerMessage(6201, LogLevel.Warning, "A grain call failed on the database; the caller is told the storage is unavailable")]
    private static partial void LogTranslated(ILogger logger, Exception exception);

    /// <summary>Grain storage whose database errors are <see cref="StorageUnavailableException"/>.</summary>
    private sealed class TranslatingGrainStorage(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            Guard(() => inner.ReadStateAsync(stateName, grainId, grainState));

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            Guard(() => inner.WriteStateAsync(stateName, grainId, grainState));

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            Guard(() => inner.ClearStateAsync(stateName, grainId, grainState));

        // Providers that take part in the silo's start-up (the ADO.NET one reads its queries) still do.
        public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

        // A Func, so that a provider that throws before it returns a task is caught too.
        private static async Task Guard(Func<Task> operation)
        {
            try
            {
                await operation();
            }
            catch (Exception e) when (Translate(e) is { } translated)
            {
                throw translated;
            }
        }
    }

    /// <summary>The same translation for whatever a grain method meets (the register's queries, reminders).</summary>
    private sealed class StorageFailureFilter(ILogger<StorageFailureFilter> logger) : IIncomingGrainCallFilter
    {
        public async Task Invoke(IIncomingGrainCallContext context)
        {
            try
            {
                await context.Invoke();
            }
            catch (Exception e) when (Translate(e) is { } translated && !ReferenceEquals(translated, e))
            {
                LogTranslated(logger, e);
                throw translated;
            }
        }
    }
}
