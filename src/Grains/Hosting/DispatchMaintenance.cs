using System.Data.Common;
using System.Diagnostics;
using Dispatch.Incidents;
using Dispatch.Journal;
using Dispatch.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;

namespace Dispatch.Hosting;

/// <summary>
/// The database commands of <c>Dispatch.Silo</c>, run against the configured storage
/// (<c>Dispatch:Storage:Provider</c>: PostgreSQL on <c>ConnectionStrings:Dispatch</c>, or the SQLite
/// file; with memory storage, the embedded default's SQLite file, since memory keeps nothing to work on).
/// </summary>
public static class DispatchMaintenance
{
    public const string Usage = """
        Dispatch.Silo                      run a silo
        Dispatch.Silo migrate              apply the schema and move cases kept as grain state into the journal
        Dispatch.Silo register rebuild     recompute the register and statistics from the whole journal
        Dispatch.Silo journal verify       check every case's hash chain; exit code 1 when something was changed
        Dispatch.Silo territory import FILE... [options]
                                           a city's boundaries (GeoJSON), buildings and workers (CSV) as the next
                                           version of the map; 'territory help' lists the options
        """;

    /// <summary>Whether <paramref name="args"/> name a command rather than options for a silo.</summary>
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "migrate" or "register" or "journal" or "territory" or "help" or "--help";

    /// <summary>The arguments of a command that are configuration for its host (<c>--Section:Key=value</c>...).</summary>
    public static string[] ConfigurationArgs(string[] args) =>
        args is ["territory", ..] ? TerritoryCommand.ConfigurationArgs(args) : [.. args.SkipWhile(a => !a.StartsWith('-'))];

    /// <summary>Runs the command; answers the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, CancellationToken cancellationToken = default)
    {
        switch (args)
        {
            case ["migrate", ..]:
                var (applied, imported) = await MigrateAsync(configuration, cancellationToken);
                output.WriteLine($"{Describe(configuration)}: {(applied.Count == 0 ? "schema up to date" : $"applied {string.Join(", ", applied)}")}; "
                    + $"{imported} case(s) moved from grain state into the journal.");
                return 0;
            case ["register", "rebuild", ..]:
                return await RebuildRegister(configuration, output, cancellationToken);
            case ["journal", "verify", ..]:
                return await Verify(configuration, output, cancellationToken);
            case ["territory", "import", .. var rest]:
                return await TerritoryCommand.RunAsync(rest, configuration, output, cancellationToken);
            case ["territory", ..]:
                output.WriteLine(TerritoryCommand.Usage);
                return args is ["territory", "help" or "--help"] ? 0 : 2;
            default:
                output.WriteLine(Usage);
                return args is ["help" or "--help", ..] ? 0 : 2;
        }
    }

    /// <summary>
    /// Applies the schema (PostgreSQL: the ledgered scripts; SQLite: the idempotent ones) and imports
    /// cases kept as grain state before the journal. Answers the scripts applied and the cases imported.
    /// </summary>
    public static async Task<(IReadOnlyList<string> Applied, int Imported)> MigrateAsync(IConfiguration configuration, CancellationToken cancellationToken = default)
    {
        var storage = StorageOf(configuration);
        IReadOnlyList<string> applied;
        if (storage.IsPostgres)
        {
            applied = await SchemaMigrator.ApplyAsync(ConnectionString(configuration), cancellationToken);
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(storage.SqliteFile)!);
            await SqliteSchema.ApplyAsync(storage.SqliteConnectionString, cancellationToken);
            applied = [];
        }

        await using var source = Open(configuration);
        var redriveAfter = configuration.GetSection(DispatchOptions.Section).Get<DispatchOptions>()?.RedriveAfter ?? new DispatchOptions().RedriveAfter;
        return (applied, await LegacyCaseImport.RunAsync(source, redriveAfter, cancellationToken));
    }

    private static async Task<int> RebuildRegister(IConfiguration configuration, TextWriter output, CancellationToken cancellationToken)
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<CaseState>>();
        await using var register = new SqlCaseRegister(Open(configuration), serializer);
        var clock = Stopwatch.StartNew();
        await register.ResetAsync(cancellationToken);
        var rows = await register.CatchUpAsync(cancellationToken);
        output.WriteLine($"{Describe(configuration)}: register rebuilt from {rows:N0} journal rows in {clock.Elapsed.TotalSeconds:F1} s.");
        return 0;
    }

    private static async Task<int> Verify(IConfiguration configuration, TextWriter output, CancellationToken cancellationToken)
    {
        await using var source = Open(configuration);
        var clock = Stopwatch.StartNew();
        var (rows, problems) = await JournalVerifier.VerifyAsync(source, cancellationToken);
        foreach (var problem in problems)
        {
            output.WriteLine($"  {problem.Stream}: {problem.Problem}");
        }

        output.WriteLine($"{Describe(configuration)}: {rows:N0} journal rows checked in {clock.Elapsed.TotalSeconds:F1} s; "
            + (problems.Count == 0 ? "every hash chain checks out." : $"{problems.Count} stream(s) changed after they were written."));
        return problems.Count == 0 ? 0 : 1;
    }

    private static DispatchStorageOptions StorageOf(IConfiguration configuration)
    {
        var storage = configuration.StorageOptions();
        return storage.IsPostgres || storage.IsSqlite ? storage : new DispatchStorageOptions { Provider = "sqlite", DataFolder = storage.DataFolder };
    }

    private static DbDataSource Open(IConfiguration configuration)
    {
        var storage = StorageOf(configuration);
        return storage.IsPostgres
            ? NpgsqlDataSource.Create(ConnectionString(configuration))
            : SqliteFactory.Instance.CreateDataSource(storage.SqliteConnectionString);
    }

    private static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(DispatchStorageOptions.ConnectionName)
        ?? throw new InvalidOperationException("Dispatch:Storage:Provider is postgres: set ConnectionStrings:Dispatch (environment: ConnectionStrings__Dispatch).");

    private static string Describe(IConfiguration configuration)
    {
        var storage = StorageOf(configuration);
        if (!storage.IsPostgres)
        {
            return $"SQLite {storage.SqliteFile}";
        }

        var database = new NpgsqlConnectionStringBuilder(ConnectionString(configuration));
        return $"PostgreSQL {database.Host}:{database.Port}/{database.Database}";
    }
}
