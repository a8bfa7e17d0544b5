namespace DirSync.Core.Transport;

/// <summary>Writes a file under a temporary name and renames it into place only when it is complete and flushed.</summary>
/// <remarks>
/// A reader never sees half a file: until <see cref="Commit"/> the content lives in a hidden
/// temporary file in the same folder (so the rename is atomic on one file system), and
/// disposing without committing removes it. Files are created readable by their owner only.
/// </remarks>
public sealed class AtomicFile : IDisposable
{
    private readonly FileStream _stream;
    private bool _committed;

    private AtomicFile(string path, string temporaryPath, FileStream stream)
    {
        Path = path;
        TemporaryPath = temporaryPath;
        _stream = stream;
    }

    /// <summary>Where the file will be once committed.</summary>
    public string Path { get; }

    /// <summary>Where it is written meanwhile.</summary>
    public string TemporaryPath { get; }

    /// <summary>The stream to write the content to.</summary>
    public Stream Stream => _stream;

    /// <summary>The prefix of temporary files, so cleaners and readers can recognise and skip them.</summary>
    public const string TemporaryPrefix = ".dirsync-tmp-";

    /// <summary>Starts writing <paramref name="path"/>.</summary>
    /// <exception cref="DirSyncException">The folder does not exist or cannot be written.</exception>
    public static AtomicFile Create(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        var folder = System.IO.Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(folder))
        {
            throw new DirSyncException($"cannot write '{path}': the folder '{folder}' does not exist", ErrorCategory.FileSystem);
        }

        // A writer of this same file that died mid-write left its temporary behind; one file has one writer
        // at a time (the store's write lock, or a name no one else uses), so the leftovers are debris.
        foreach (var debris in Directory.EnumerateFiles(folder, TemporaryPrefix + System.IO.Path.GetFileName(fullPath) + ".*"))
        {
            try
            {
                File.Delete(debris);
            }
            catch (IOException)
            {
                // Best effort: a name is never reused, so a leftover harms nothing but space.
            }
        }

        var temporary = System.IO.Path.Combine(folder, TemporaryPrefix + System.IO.Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N")[..12]);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            return new AtomicFile(fullPath, temporary, new FileStream(temporary, options));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DirSyncException($"cannot write '{path}': {e.Message}", ErrorCategory.FileSystem, e);
        }
    }

    /// <summary>Flushes the content to disk and renames the file into place, replacing an older one.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        try
        {
            FaultPoints.Hit("file.flush.before");
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            FaultPoints.Hit("file.rename.before");
            File.Move(TemporaryPath, Path, overwrite: true);
            _committed = true;
            FaultPoints.Hit("file.rename.after");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DirSyncException($"cannot write '{Path}': {e.Message}", ErrorCategory.FileSystem, e);
        }
    }

    /// <summary>Removes the temporary file unless the content was committed.</summary>
    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        _stream.Dispose();
        try
        {
            File.Delete(TemporaryPath);
        }
        catch (IOException)
        {
            // Nothing useful can be done; the prefix marks it as debris for the next run to ignore.
        }

        _committed = true;
    }
}
