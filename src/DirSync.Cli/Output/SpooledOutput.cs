namespace DirSync.Cli.Output;

/// <summary>Standard output held back until the command has succeeded, so a command that fails prints nothing there.</summary>
/// <remarks>
/// <para>A listing streams its rows as it reads them; a store that turns out to be damaged half way, a full
/// disk or a signal would otherwise leave half a JSON document on standard output for a script to parse.
/// So output is kept — in memory up to <see cref="MemoryLimit"/>, then in a temporary file that is deleted
/// when closed — and copied out by <see cref="Commit"/>, or dropped by <see cref="Discard"/>.</para>
/// <para>A command that streams for good (the daemon), or that prints its report before failing on purpose
/// (a receive that refused a message), calls <see cref="Commit"/> itself, after which output passes straight
/// through. Should no temporary file be possible (the temporary folder full or read-only), output passes
/// straight through from then on: printing it matters more than holding it back.</para>
/// </remarks>
internal sealed class SpooledOutput : Stream
{
    /// <summary>How much output is held in memory before it goes to a temporary file.</summary>
    public const int MemoryLimit = 4 << 20;

    private readonly Stream _target;
    private MemoryStream? _memory = new();
    private FileStream? _spill;
    private bool _passThrough;
    private bool _discarded;

    public SpooledOutput(Stream target)
    {
        _target = target;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Writes what is held to the real output; from then on output passes straight through.</summary>
    public void Commit()
    {
        if (_passThrough || _discarded)
        {
            return;
        }

        _passThrough = true;
        if (_memory is not null)
        {
            _memory.Position = 0;
            _memory.CopyTo(_target);
        }
        else if (_spill is not null)
        {
            _spill.Position = 0;
            _spill.CopyTo(_target);
        }

        Release();
        _target.Flush();
    }

    /// <summary>Drops what is held, and everything written later.</summary>
    public void Discard()
    {
        if (_passThrough)
        {
            return;
        }

        _discarded = true;
        Release();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_discarded)
        {
            return;
        }

        if (_passThrough)
        {
            _target.Write(buffer);
            return;
        }

        if (_spill is not null)
        {
            _spill.Write(buffer);
            return;
        }

        _memory!.Write(buffer);
        if (_memory.Length > MemoryLimit)
        {
            Spill();
        }
    }

    public override void Flush()
    {
        if (_passThrough)
        {
            _target.Flush();
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Release();
        }

        base.Dispose(disposing);
    }

    private void Spill()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose,
            BufferSize = 64 * 1024,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            _spill = new FileStream(Path.Combine(Path.GetTempPath(), $"dirsync-output-{Guid.NewGuid():N}"), options);
            _memory!.Position = 0;
            _memory.CopyTo(_spill);
            _memory = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _spill?.Dispose();
            _spill = null;
            Commit();
        }
    }

    private void Release()
    {
        _memory = null;
        _spill?.Dispose();
        _spill = null;
    }
}
