namespace DirSync.Core.Bulk;

/// <summary>The validated header of a bulk CSV file: <c>Obj-Class</c> first, the alias column, an optional <c>Mode</c> column and attributes.</summary>
public sealed class BulkCsvHeader
{
    internal BulkCsvHeader(
        long line,
        IReadOnlyList<BulkColumn> columns,
        BulkColumn alias,
        BulkColumn? nickname,
        BulkColumn? mode,
        BulkColumn? container,
        IReadOnlyList<string> warnings,
        byte[] text,
        string newLine)
    {
        Line = line;
        Columns = columns;
        Alias = alias;
        Nickname = nickname;
        Mode = mode;
        Container = container;
        Warnings = warnings;
        Text = text;
        NewLine = newLine;
    }

    /// <summary>The 1-based line the header is on.</summary>
    public long Line { get; }

    /// <summary>Every column, in file order; the first is <c>Obj-Class</c>.</summary>
    public IReadOnlyList<BulkColumn> Columns { get; }

    /// <summary>The column whose value names the recipient of each row: <c>Common-Name</c> (or <c>Directory Name</c>) when the file has it, else the alias column.</summary>
    public BulkColumn Alias { get; }

    /// <summary>The <c>Mail-Nickname</c> (or <c>Alias Name</c>) column of a file that also has the directory name; each row's must agree with it.</summary>
    public BulkColumn? Nickname { get; }

    /// <summary>The <c>Mode</c> column, or null when every row is an update.</summary>
    public BulkColumn? Mode { get; }

    /// <summary>The <c>Obj-Container</c> column, or null.</summary>
    public BulkColumn? Container { get; }

    /// <summary>What the reader passed over, one line each, for the user to see (columns DirSync does not keep or know).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The header line's bytes as the file holds them (UTF-8), without its line end or a byte order mark.</summary>
    public ReadOnlyMemory<byte> Text { get; }

    /// <summary>The header's line end (<c>"\r\n"</c> or <c>"\n"</c>), for files written to go with this one.</summary>
    public string NewLine { get; }
}
