namespace DirSync.Cli.Output;

/// <summary>Writes a readable text table that streams: widths come from the first rows, later rows are clipped to them.</summary>
/// <remarks>Buffering only the first rows keeps a million-row listing in constant memory.</remarks>
internal sealed class TableWriter
{
    private const int SampleRows = 500;
    private const int MaxColumnWidth = 60;

    private readonly TextWriter _out;
    private readonly string[] _headers;
    private readonly List<string[]> _sample = [];
    private int[]? _widths;

    public TableWriter(TextWriter output, params string[] headers)
    {
        _out = output;
        _headers = headers;
    }

    public long RowCount { get; private set; }

    public void Row(params string?[] cells)
    {
        // A line break in a value is a space in a table; any other control character is shown escaped.
        var row = cells.Select(c => TerminalText.Escape((c ?? "").ReplaceLineEndings(" "))).ToArray();
        RowCount++;
        if (_widths is null)
        {
            _sample.Add(row);
            if (_sample.Count >= SampleRows)
            {
                Start();
            }

            return;
        }

        Write(row);
    }

    public void Finish()
    {
        if (_widths is null)
        {
            Start();
        }
    }

    private void Start()
    {
        _widths = new int[_headers.Length];
        for (var i = 0; i < _headers.Length; i++)
        {
            _widths[i] = Math.Min(MaxColumnWidth, Math.Max(_headers[i].Length, _sample.Count == 0 ? 0 : _sample.Max(r => r[i].Length)));
        }

        Write(_headers);
        Write(_widths.Select(w => new string('-', w)).ToArray());
        foreach (var row in _sample)
        {
            Write(row);
        }

        _sample.Clear();
    }

    private void Write(string[] row)
    {
        for (var i = 0; i < row.Length; i++)
        {
            var cell = row[i];
            if (cell.Length > _widths![i])
            {
                cell = cell[..(_widths[i] - 1)] + "…";
            }

            if (i < row.Length - 1)
            {
                _out.Write(cell.PadRight(_widths[i]));
                _out.Write("  ");
            }
            else
            {
                _out.Write(cell);
            }
        }

        _out.Write('\n');
    }
}
