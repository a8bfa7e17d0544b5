using DirSync.Core.Transport;

namespace DirSync.Core.Bulk;

/// <summary>The reject file of a bulk import: the header and each bad row as the input held them, with an added Error column.</summary>
/// <remarks>The file is made at the first rejected row and appears under its name only when committed.</remarks>
internal sealed class BulkRejectFile : IDisposable
{
    private readonly BulkCsvHeader _header;
    private AtomicFile? _file;
    private BulkCsvWriter? _writer;

    public BulkRejectFile(string path, BulkCsvHeader header)
    {
        Path = path;
        _header = header;
    }

    public string Path { get; }

    public long Count { get; private set; }

    /// <summary>The first row's error, or null while none was rejected.</summary>
    public InputFormatException? First { get; private set; }

    public void Write(BulkCsvRow row, InputFormatException error)
    {
        if (_writer is null)
        {
            _file = AtomicFile.Create(Path);
            _writer = new BulkCsvWriter(_file.Stream, _header.NewLine);
            _writer.WriteRaw(_header.Text.Span);
            _writer.WriteField("Error");
            _writer.EndRow();
        }

        _writer.WriteRaw(row.Text);
        _writer.WriteField($"line {error.Line}: {error.Reason}");
        _writer.EndRow();
        Count++;
        First ??= error;
    }

    /// <summary>Puts the file in place, if any row was rejected.</summary>
    public void Commit()
    {
        if (_writer is not null)
        {
            _writer.Dispose();
            _file!.Commit();
        }
    }

    public void Dispose()
    {
        try
        {
            _writer?.Dispose();
        }
        catch (DirSyncException)
        {
            // The writer flushes as it closes; on a full disk that fails again. The temporary file goes all the same.
        }
        finally
        {
            _file?.Dispose();
        }
    }
}
