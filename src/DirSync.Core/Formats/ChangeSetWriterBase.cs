using System.Security.Cryptography;
using DirSync.Core.Sync;

namespace DirSync.Core.Formats;

/// <summary>What every change-set writer shares: every byte hashed on its way out, and the trailer that seals it.</summary>
internal abstract class ChangeSetWriterBase : IChangeSetWriter
{
    private readonly HashingStream _hashing;

    protected ChangeSetWriterBase(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _hashing = new HashingStream(stream, HashAlgorithmName.SHA256);
    }

    /// <summary>The stream a format writes to; everything written is hashed.</summary>
    protected Stream Output => _hashing;

    /// <summary>How many records have been written.</summary>
    protected long Records { get; set; }

    /// <inheritdoc/>
    public abstract void Write(ChangeRecord record);

    /// <inheritdoc/>
    public ChangeSetTrailer Complete(Func<string, string>? prove = null)
    {
        FlushFormat();
        var sha256 = Convert.ToHexStringLower(_hashing.GetCurrentHash());
        var trailer = new ChangeSetTrailer(Records, sha256, prove?.Invoke(sha256));
        WriteComment(ChangeSetHeaderText.Trailer(trailer));
        FlushFormat();
        _hashing.Flush();
        return trailer;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        DisposeFormat();
        _hashing.Dispose();
    }

    /// <summary>Writes a comment line in the format's syntax.</summary>
    protected abstract void WriteComment(string text);

    /// <summary>Flushes the format writer's buffer to <see cref="Output"/>.</summary>
    protected abstract void FlushFormat();

    /// <summary>Disposes the format writer.</summary>
    protected abstract void DisposeFormat();
}
