namespace DirSync.Core.Bulk;

/// <summary>The validated header of a bulk CSV file: <c>Obj-Class</c> first, the alias column, an optional <c>Mode</c> column and attributes.</summary>
public sealed class BulkCsvHeader
{
    internal BulkCsvHeader(long line, IReadOnlyList<BulkColumn> columns, BulkColumn alias, BulkColumn? mode, byte[] text, string newLine)
    {
        Line = line;
        Columns = columns;
        Alias = alias;
        Mode = mode;
        Text = text;
        NewLine = newLine;
    }

    /// <summary>The 1-based line the header is on.</summary>
    public long Line { get; }

    /// <summary>Every column, in file order; the first is <c>Obj-Class</c>.</summary>
    public IReadOnlyList<BulkColumn> Columns { get; }

    /// <summary>The <c>Common-Name</c> column, whose value names the recipient of each row.</summary>
    public BulkColumn Alias { get; }

    /// <summary>The <c>Mode</c> column, or null when every row is an update.</summary>
    public BulkColumn? Mode { get; }

    /// <summary>The header line's bytes as the file holds them, without its line end or a byte order mark.</summary>
    public ReadOnlyMemory<byte> Text { get; }

    /// <summary>The header's line end (<c>"\r\n"</c> or <c>"\n"</c>), for files written to go with this one.</summary>
    public string NewLine { get; }
}
