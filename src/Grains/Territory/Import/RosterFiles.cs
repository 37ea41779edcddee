using System.Globalization;
using Dispatch.Workforce;

namespace Dispatch.Territory.Import;

/// <summary>A building as its CSV line gives it: a grid, or a point whose grid the map finds.</summary>
public sealed record BuildingRow(string Where, string Id, string Name, string Address, string? GridId, double? Longitude, double? Latitude, int Households, string? LeaderName);

/// <summary>
/// The buildings and workers CSV files. Buildings: <c>id</c>, <c>grid</c> or <c>longitude</c> and
/// <c>latitude</c>, <c>address</c>, <c>households</c> (optional: <c>name</c>, <c>leader</c>). Workers:
/// <c>id</c>, <c>grid</c>, <c>role</c>, <c>skills</c> (separated by ';', '|' or spaces), <c>on duty</c>
/// (true/false, yes/no, 1/0; optional: <c>name</c>, <c>phone</c>). Every bad line is a problem naming it.
/// </summary>
public static class RosterFiles
{
    private static readonly char[] SkillSeparators = [';', '|', ' '];

    /// <summary>Whether a CSV header is a workers file (it has a role or skills column).</summary>
    public static bool IsWorkers(CsvTable table) => table.Has("role", "skills");

    public static List<BuildingRow> Buildings(CsvTable table, List<ImportProblem> problems)
    {
        var rows = new List<BuildingRow>();
        int id = Required(table, problems, "id", "building id", "buildingid"), address = Required(table, problems, "address");
        int grid = table.Column("grid", "grid id", "gridid"), lon = table.Column("longitude", "lon", "lng", "x"), lat = table.Column("latitude", "lat", "y");
        int households = table.Column("households"), name = table.Column("name"), leader = table.Column("leader", "leader name", "building leader");
        if (grid < 0 && (lon < 0 || lat < 0))
        {
            problems.Add(new ImportProblem(table.Source, "a buildings file needs a 'grid' column or 'longitude' and 'latitude' columns"));
        }

        if (id < 0 || address < 0 || (grid < 0 && (lon < 0 || lat < 0)))
        {
            return rows;
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (line, fields) in table.Records)
        {
            var where = $"{table.Source} line {line}";
            if (fields.Length != table.Header.Count)
            {
                continue;
            }

            var buildingId = fields[id].Trim();
            if (buildingId.Length == 0)
            {
                problems.Add(new ImportProblem(where, "has no building id"));
                continue;
            }

            if (!seen.TryAdd(buildingId, line))
            {
                problems.Add(new ImportProblem(where, $"duplicate building id '{buildingId}' (also line {seen[buildingId]})"));
                continue;
            }

            var gridId = grid >= 0 && fields[grid].Trim() is { Length: > 0 } g ? g : null;
            double? longitude = null, latitude = null;
            if (lon >= 0 && lat >= 0 && (fields[lon].Trim().Length > 0 || fields[lat].Trim().Length > 0))
            {
                if (!double.TryParse(fields[lon], NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || x is < -180 or > 180
                    || !double.TryParse(fields[lat], NumberStyles.Float, CultureInfo.InvariantCulture, out var y) || y is < -90 or > 90)
                {
                    problems.Add(new ImportProblem(where, $"'{fields[lon]}', '{fields[lat]}' is not a WGS84 longitude and latitude"));
                    continue;
                }

                (longitude, latitude) = (x, y);
            }

            if (gridId is null && longitude is null)
            {
                problems.Add(new ImportProblem(where, $"building '{buildingId}' has neither a grid nor a point"));
                continue;
            }

            var count = 0;
            if (households >= 0 && fields[households].Trim().Length > 0
                && (!int.TryParse(fields[households], NumberStyles.Integer, CultureInfo.InvariantCulture, out count) || count < 0))
            {
                problems.Add(new ImportProblem(where, $"households '{fields[households]}' is not a whole number of at least 0"));
                continue;
            }

            if (fields[address].Trim().Length == 0)
            {
                problems.Add(new ImportProblem(where, $"building '{buildingId}' has no address"));
                continue;
            }

            rows.Add(new BuildingRow(where, buildingId, name >= 0 && fields[name].Trim() is { Length: > 0 } n ? n : buildingId,
                fields[address].Trim(), gridId, longitude, latitude, count,
                leader >= 0 && fields[leader].Trim() is { Length: > 0 } l ? l : null));
        }

        return rows;
    }

    /// <summary>Workers with where each was read; grids are checked against the map by the caller.</summary>
    public static List<(string Where, WorkerProfile Worker)> Workers(CsvTable table, List<ImportProblem> problems)
    {
        var rows = new List<(string, WorkerProfile)>();
        int id = Required(table, problems, "id", "worker id", "workerid"), grid = Required(table, problems, "grid", "grid id", "gridid");
        int role = Required(table, problems, "role"), skills = Required(table, problems, "skills"), duty = table.Column("on duty", "onduty", "duty");
        int name = table.Column("name"), phone = table.Column("phone");
        if (id < 0 || grid < 0 || role < 0 || skills < 0)
        {
            return rows;
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (line, fields) in table.Records)
        {
            var where = $"{table.Source} line {line}";
            if (fields.Length != table.Header.Count)
            {
                continue;
            }

            var workerId = fields[id].Trim();
            var gridId = fields[grid].Trim();
            if (workerId.Length == 0 || gridId.Length == 0)
            {
                problems.Add(new ImportProblem(where, "a worker needs an id and a grid"));
                continue;
            }

            if (!seen.TryAdd(workerId, line))
            {
                problems.Add(new ImportProblem(where, $"duplicate worker id '{workerId}' (also line {seen[workerId]})"));
                continue;
            }

            var roleText = fields[role].Trim().Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
            if (!Enum.TryParse<WorkerRole>(roleText, ignoreCase: true, out var workerRole) || !Enum.IsDefined(workerRole) || char.IsAsciiDigit(roleText.FirstOrDefault()))
            {
                problems.Add(new ImportProblem(where, $"role '{fields[role]}' is not one of {string.Join(", ", Enum.GetNames<WorkerRole>())}"));
                continue;
            }

            var onDuty = false;
            if (duty >= 0 && fields[duty].Trim().Length > 0 && !TryParseFlag(fields[duty], out onDuty))
            {
                problems.Add(new ImportProblem(where, $"on duty '{fields[duty]}' is not true/false, yes/no or 1/0"));
                continue;
            }

            var skillList = fields[skills].Split(SkillSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            rows.Add((where, new WorkerProfile(workerId, name >= 0 && fields[name].Trim() is { Length: > 0 } n ? n : workerId, workerRole,
                skillList, gridId, phone >= 0 && fields[phone].Trim() is { Length: > 0 } p ? p : null, onDuty)));
        }

        return rows;
    }

    private static int Required(CsvTable table, List<ImportProblem> problems, params string[] names)
    {
        var column = table.Column(names);
        if (column < 0)
        {
            problems.Add(new ImportProblem(table.Source, $"has no '{names[0]}' column (header: {string.Join(", ", table.Header)})"));
        }

        return column;
    }

    private static bool TryParseFlag(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "yes" or "y" or "1" or "on": value = true; return true;
            case "false" or "no" or "n" or "0" or "off": value = false; return true;
            default: value = false; return false;
        }
    }
}
