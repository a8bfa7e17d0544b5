using DirSync.Core.Model;
using DirSync.Core.Sync;
using DirSync.Core.Transport;

namespace DirSync.Core.Hub;

/// <summary>Writes and inspects Dir-Sync message files: a change set whose header carries the envelope and whose trailer carries the proof.</summary>
public static class MessageFile
{
    /// <summary>The largest message read by default: 1 GiB, some two million entries in a full list.</summary>
    public const long DefaultMaxMessageBytes = 1L << 30;

    /// <summary>Writes a message into <paramref name="file"/> (not yet committed) and returns how many records it holds.</summary>
    public static async Task<long> WriteAsync(
        Stream file, StoreInfo sender, HubMessage message, ChangeSetMode mode, IAsyncEnumerable<ChangeRecord> records, string? key, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(records);
        var sequence = message.Kind == MessageKind.RequestorUpdate ? message.ReqSync : message.SrvSync;
        var header = new ChangeSetHeader(sender, HubMessage.InstanceName, mode, sequence, message.SrvSyncWas, message.SrvSync, now, InstanceSettings.DefaultExportAttributes)
        {
            Extensions = message.ToExtensions(),
        };
        long count = 0;
        using var writer = ChangeSetCodecs.Default.CreateWriter(ChangeSetFormat.Ldif, file, header);
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            writer.Write(record);
            count++;
        }

        writer.Complete(key is null ? null : sha => HubKey.Prove(key, sha));
        return count;
    }

    /// <summary>Delivers a message into a drop folder: written, flushed and renamed into place.</summary>
    public static async Task<long> DeliverAsync(
        DropFolder folder, StoreInfo sender, HubMessage message, ChangeSetMode mode, IAsyncEnumerable<ChangeRecord> records, string key, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        using var file = folder.CreateMessage(now);
        var count = await WriteAsync(file.Stream, sender, message, mode, records, key, now, cancellationToken);
        file.Commit();
        return count;
    }

    /// <summary>Reads a message through, checking its integrity, and returns its envelope, header and trailer.</summary>
    /// <param name="path">The message file.</param>
    /// <param name="name">Its name in errors.</param>
    /// <param name="maxMessageBytes">The largest file read; a larger one is refused before a byte of it is read.</param>
    /// <exception cref="InputFormatException">The file is not a whole, valid message, is larger than the limit, or is not a regular file.</exception>
    /// <exception cref="DirSyncException">The file vanished or cannot be read.</exception>
    public static (HubMessage Message, ChangeSetHeader Header, ChangeSetTrailer Trailer) Inspect(string path, string name, long maxMessageBytes = DefaultMaxMessageBytes) =>
        ReadThrough(path, name, maxMessageBytes, records: true);

    /// <summary>
    /// Reads a message through for its envelope, header and trailer as <see cref="Inspect"/> does — the records counted
    /// and the checksum taken over every byte — but each record only as far as its anchor: what the records say is
    /// checked when they are read to be applied, which refuses the message then as <see cref="Inspect"/> would have.
    /// </summary>
    /// <param name="path">The message file.</param>
    /// <param name="name">Its name in errors.</param>
    /// <param name="maxMessageBytes">The largest file read; a larger one is refused before a byte of it is read.</param>
    /// <exception cref="InputFormatException">The file is not a whole message (its count, checksum or framing is wrong), is larger than the limit, or is not a regular file.</exception>
    /// <exception cref="DirSyncException">The file vanished or cannot be read.</exception>
    public static (HubMessage Message, ChangeSetHeader Header, ChangeSetTrailer Trailer) Verify(string path, string name, long maxMessageBytes = DefaultMaxMessageBytes) =>
        ReadThrough(path, name, maxMessageBytes, records: false);

    private static (HubMessage Message, ChangeSetHeader Header, ChangeSetTrailer Trailer) ReadThrough(string path, string name, long maxMessageBytes, bool records)
    {
        using var reader = Open(path, name, maxMessageBytes);
        var message = HubMessage.Parse(reader.Header, name);
        while (records ? reader.Read(out _) : reader.ReadAnchor(out _))
        {
        }

        return (message, reader.Header, reader.Trailer);
    }

    /// <summary>The anchors of every record in a message: what a full list holds, so the stale entries can go before the records apply.</summary>
    /// <param name="path">The message file.</param>
    /// <param name="name">Its name in errors.</param>
    /// <param name="verifiedSha256">The checksum of the content that was checked: anchors are taken only from that content.</param>
    /// <param name="maxMessageBytes">The largest file read.</param>
    /// <exception cref="DirSyncException">The file is not the content that was checked (it changed since).</exception>
    public static HashSet<Guid> Anchors(string path, string name, string verifiedSha256, long maxMessageBytes = DefaultMaxMessageBytes)
    {
        using var reader = Open(path, name, maxMessageBytes);
        var anchors = new HashSet<Guid>();
        while (reader.ReadAnchor(out var anchor))
        {
            anchors.Add(anchor);
        }

        if (!string.Equals(reader.Trailer.Sha256, verifiedSha256, StringComparison.Ordinal))
        {
            throw new DirSyncException(
                $"'{name}' changed while it was being applied: it is not the content that was checked; nothing was applied, run again",
                ErrorCategory.FileSystem);
        }

        return anchors;
    }

    /// <summary>Opens a message to read its records (after <see cref="Inspect"/> has accepted it).</summary>
    /// <remarks>
    /// What a drop folder holds is checked before the file is opened: a symbolic link is refused, never
    /// followed (it could lead anywhere, or nowhere), and so is an empty file — which is also what a named
    /// pipe looks like, whose opening would wait for a writer forever — and a file over the size limit.
    /// </remarks>
    public static IChangeSetReader Open(string path, string name, long maxMessageBytes = DefaultMaxMessageBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageBytes);
        Stream stream;
        FaultPoints.Hit("file.open");
        try
        {
            var file = new FileInfo(path);
            if (file.LinkTarget is not null)
            {
                throw new InputFormatException(name, 0, null, "the message is a symbolic link; DirSync reads message files themselves, never through a link");
            }

            if (file.Exists && file.Length == 0)
            {
                throw new InputFormatException(name, 0, null, "the file is empty");
            }

            if (file.Exists && file.Length > maxMessageBytes)
            {
                throw new InputFormatException(name, 0, null, $"the message is {file.Length} bytes, over the limit of {maxMessageBytes} bytes");
            }

            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DirSyncException($"cannot read the message '{name}': {e.Message}", ErrorCategory.FileSystem, e);
        }

        try
        {
            return ChangeSetCodecs.Default.OpenReader(stream, name);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Streams the records of an open message.</summary>
    public static async IAsyncEnumerable<ChangeRecord> Records(IChangeSetReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (reader.Read(out var record))
        {
            yield return record;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
