namespace Dispatch.Territory.Import;

/// <summary>One thing wrong with (or repaired in) an import: where it is — file, feature or line — and what.</summary>
public sealed record ImportProblem(string Where, string What)
{
    public override string ToString() => $"{Where}: {What}";
}

/// <summary>
/// An import that was refused, with every problem found. Nothing was changed: an import is checked
/// whole before anything is written.
/// </summary>
public sealed class TerritoryImportException(IReadOnlyList<ImportProblem> problems)
    : Exception($"The territory import was refused ({problems.Count} problem(s)); nothing was changed. {string.Join("; ", problems.Take(20))}{(problems.Count > 20 ? "; …" : "")}")
{
    public IReadOnlyList<ImportProblem> Problems { get; } = problems;
}
