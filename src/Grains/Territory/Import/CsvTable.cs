using System.Text;

namespace Dispatch.Territory.Import;

/// <summary>
/// A small RFC 4180 reader: a header line, then records of comma-separated fields; a field in double
/// quotes may hold commas, line breaks and doubled quotes. Enough for the buildings and workers
/// files, without a library for it. Columns are found by any of their accepted names, ignoring case,
/// spaces, '-' and '_' ("On duty", "on_duty" and "onDuty" are one column).
/// </summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, int> _columns;

    private CsvTable(string source, IReadOnlyList<string> header, List<(int Line, string[] Fields)> records)
    {
        Source = source;
        Header = header;
        Records = records;
        _columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            _columns.TryAdd(Key(header[i]), i);
        }
    }

    public string Source { get; }

    public IReadOnlyList<string> Header { get; }

    /// <summary>Each record with the line it starts on (the header is line 1).</summary>
    public IReadOnlyList<(int Line, string[] Fields)> Records { get; }

    /// <summary>The index of the first column with one of <paramref name="names"/>, or -1.</summary>
    public int Column(params string[] names)
    {
        foreach (var name in names)
        {
            if (_columns.TryGetValue(Key(name), out var index))
            {
                return index;
            }
        }

        return -1;
    }

    public bool Has(params string[] names) => Column(names) >= 0;

    public static CsvTable Read(TextReader reader, string source, List<ImportProblem> problems)
    {
        var rows = new List<(int Line, string[] Fields)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, recordLine = 1;
        bool quoted = false, fieldStarted = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        line++;
                    }

                    field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"' when !fieldStarted:
                    quoted = true;
                    fieldStarted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRecord();
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(ch);
                    fieldStarted = true;
                    break;
            }
        }

        if (quoted)
        {
            problems.Add(new ImportProblem($"{source} line {recordLine}", "a quoted field is never closed"));
        }

        EndRecord();
        if (rows.Count == 0)
        {
            problems.Add(new ImportProblem(source, "is empty: a CSV file starts with a header line"));
            return new CsvTable(source, [], []);
        }

        var header = rows[0].Fields.Select(h => h.Trim().TrimStart('\uFEFF')).ToArray();
        var table = new CsvTable(source, header, rows.Skip(1).ToList());
        foreach (var (at, record) in table.Records.Where(r => r.Fields.Length != header.Length))
        {
            problems.Add(new ImportProblem($"{source} line {at}", $"has {record.Length} field(s); the header has {header.Length}"));
        }

        return table;

        void EndRecord()
        {
            if (fieldStarted || field.Length > 0 || fields.Count > 0)
            {
                fields.Add(field.ToString());
                if (!(fields.Count == 1 && fields[0].Trim().Length == 0))
                {
                    rows.Add((recordLine, fields.ToArray()));
                }
            }

            fields.Clear();
            field.Clear();
            fieldStarted = false;
        }
    }

    private static string Key(string name) =>
        new(name.Where(ch => ch is not (' ' or '-' or '_')).Select(char.ToLowerInvariant).ToArray());
}
