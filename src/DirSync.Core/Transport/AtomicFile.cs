namespace DirSync.Core.Transport;

/// <summary>Writes a file under a temporary name and renames it into place only when it is complete and flushed.</summary>
/// <remarks>
/// A reader never sees half a file: until <see cref="Commit"/> the content lives in a hidden
/// temporary file in the same folder (so the rename is atomic on one file system), and
/// disposing without committing removes it. Files are created readable by their owner only.
/// </remarks>
public sealed class AtomicFile : IOutgoingMessage
{
    private readonly FileStream _stream;
    private readonly GuardedStream _guarded;
    private bool _committed;
    private bool _flushed;

    private AtomicFile(string path, string temporaryPath, FileStream stream)
    {
        Path = path;
        TemporaryPath = temporaryPath;
        _stream = stream;
        _guarded = new GuardedStream(this, stream);
    }

    /// <summary>Where the file will be once committed.</summary>
    public string Path { get; }

    /// <summary>Where it is written meanwhile.</summary>
    public string TemporaryPath { get; }

    /// <summary>The stream to write the content to.</summary>
    /// <remarks>A write that fails (a full disk, a quota, a lost mount) throws a <see cref="DirSyncException"/> naming the file.</remarks>
    public Stream Stream => _guarded;

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
            throw new DirSyncException($"cannot write '{path}': {Reason(e, temporary)}", ErrorCategory.FileSystem, e);
        }
    }

    /// <summary>Flushes the content to disk under its temporary name: what can fail for want of space fails here, before <see cref="Commit"/>.</summary>
    /// <remarks>Lets a writer make its state durable between the two steps, so the file appears only once the state that speaks for it is saved.</remarks>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        if (_flushed)
        {
            return;
        }

        try
        {
            FaultPoints.Hit("file.flush.before");
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            _flushed = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed(e);
        }
    }

    /// <summary>Flushes the content to disk (unless <see cref="Flush"/> did) and renames the file into place, replacing an older one.</summary>
    public void Commit()
    {
        Flush();
        try
        {
            FaultPoints.Hit("file.rename.before");
            File.Move(TemporaryPath, Path, overwrite: true);
            _committed = true;
            FaultPoints.Hit("file.rename.after");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed(e);
        }
    }

    /// <inheritdoc/>
    Task IOutgoingMessage.DeliverAsync(CancellationToken cancellationToken)
    {
        Commit();
        return Task.CompletedTask;
    }

    /// <summary>Removes the temporary file unless the content was committed.</summary>
    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        try
        {
            _stream.Dispose();
        }
        catch (IOException)
        {
            // Closing flushes, and on a full disk the flush fails; the file is removed below all the same.
        }

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

    /// <summary>What the system said, without the temporary file's name, which means nothing to the reader.</summary>
    private static string Reason(Exception e, string temporary) =>
        e is UnauthorizedAccessException
            ? "permission denied"
            : e.Message.Replace($" : '{temporary}'", "", StringComparison.Ordinal).Replace($"'{temporary}'", "the temporary file", StringComparison.Ordinal);

    private DirSyncException Failed(Exception e) =>
        new($"cannot write '{Path}': {Reason(e, TemporaryPath)}", ErrorCategory.FileSystem, e);

    /// <summary>The temporary file's stream: a write that fails becomes one clear error naming the file, not an internal error.</summary>
    private sealed class GuardedStream(AtomicFile owner, FileStream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                inner.Write(buffer);
            }
            catch (IOException e)
            {
                throw owner.Failed(e);
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                await inner.WriteAsync(buffer, cancellationToken);
            }
            catch (IOException e)
            {
                throw owner.Failed(e);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
            try
            {
                inner.Flush();
            }
            catch (IOException e)
            {
                throw owner.Failed(e);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
