using System.Text;

namespace DirSync.Core.Transport;

/// <summary>A postoffice's inbound drop folder (the P1 directory, the gateway's IN): messages arrive as whole files.</summary>
/// <remarks>
/// <para>A sender writes a message under a temporary name and renames it into place
/// (<see cref="AtomicFile"/>), so a receiver never sees half a message. A receiver claims a
/// message by renaming it into <c>processing/</c> — two receivers cannot both claim it — and
/// removes it only once its effect is committed; a message found in <c>processing/</c> at the
/// next run was claimed by a run that died, and is taken up again. A refused message is moved
/// into <c>rejected/</c> beside a note saying why, never applied and never lost.</para>
/// <para>Only files the folder listing names are touched, so a name can never reach outside it. Nothing is
/// written through a symbolic link a sender may have planted: a message that is a link is renamed or removed
/// itself, <c>processing/</c> and <c>rejected/</c> must be real folders, and the note beside a rejected message
/// replaces whatever had its name.</para>
/// </remarks>
public sealed class DropFolder : IMessageSource, IMessageSink
{
    /// <summary>The ending of message files.</summary>
    public const string Extension = ".dsm";

    private const string Processing = "processing";
    private const string Rejected = "rejected";

    /// <summary>Opens the folder at <paramref name="path"/>.</summary>
    /// <exception cref="DirSyncException">The folder does not exist.</exception>
    public DropFolder(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Path = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(Path))
        {
            throw new DirSyncException($"the drop folder '{path}' does not exist; create it (or point the setting at the right folder)", ErrorCategory.FileSystem);
        }
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>Starts a new message; commit it to deliver it.</summary>
    public AtomicFile CreateMessage(DateTimeOffset now)
    {
        var name = $"{now.UtcDateTime:yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid():N}{Extension}";
        return AtomicFile.Create(System.IO.Path.Combine(Path, name));
    }

    /// <inheritdoc/>
    IOutgoingMessage IMessageSink.Create(DateTimeOffset now) => CreateMessage(now);

    /// <summary>The messages waiting here, oldest first, by name, with their sizes (not claimed: a server keeps them for a requestor to fetch).</summary>
    public IReadOnlyList<(string Name, long Length)> Pending() =>
        Messages(Path).Select(f => (System.IO.Path.GetFileName(f), new FileInfo(f).Length)).ToList();

    /// <summary>The waiting message named <paramref name="name"/>, as a claim on it; null when no message has that name.</summary>
    /// <remarks>The name is looked up in the folder's listing, so a name from elsewhere (a URL) can never reach outside the folder.</remarks>
    public ClaimedMessage? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var found = Messages(Path).FirstOrDefault(f => string.Equals(System.IO.Path.GetFileName(f), name, StringComparison.Ordinal));
        return found is null ? null : new ClaimedMessage(name, found);
    }

    /// <summary>Claims every waiting message, oldest first: those an earlier run claimed and left, then new arrivals.</summary>
    /// <remarks>A message that vanishes between the listing and its turn (another receiver took it) is passed over.</remarks>
    /// <exception cref="DirSyncException"><c>processing/</c> is a symbolic link or a file, not a folder.</exception>
    public IEnumerable<ClaimedMessage> Claim()
    {
        RemoveDebris();
        var processing = EnsureSubfolder(Processing);
        foreach (var leftover in Messages(processing))
        {
            // Gone since the listing: a receiver running beside this one took it in meanwhile.
            if (Exists(leftover))
            {
                yield return new ClaimedMessage(System.IO.Path.GetFileName(leftover), leftover, Leftover: true);
            }
        }

        foreach (var arrived in Messages(Path))
        {
            var name = System.IO.Path.GetFileName(arrived);
            var claimed = System.IO.Path.Combine(processing, name);
            try
            {
                Move(arrived, claimed, overwrite: false);
            }
            catch (FileNotFoundException)
            {
                continue;
            }
            catch (IOException) when (!Exists(arrived))
            {
                continue;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Unwritable(processing, e);
            }

            FaultPoints.Hit("drop.claimed");
            yield return new ClaimedMessage(name, claimed);
        }
    }

    /// <summary>Removes a message whose effect is committed.</summary>
    public static void Complete(ClaimedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        FaultPoints.Hit("drop.complete.before");
        try
        {
            File.Delete(message.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unwritable(System.IO.Path.GetDirectoryName(message.Path)!, e);
        }
    }

    /// <summary>Moves a refused message into <c>rejected/</c> with a note saying why.</summary>
    /// <exception cref="DirSyncException"><c>rejected/</c> is a symbolic link or a file, not a folder.</exception>
    public void Reject(ClaimedMessage message, string reason)
    {
        ArgumentNullException.ThrowIfNull(message);
        var rejected = EnsureSubfolder(Rejected);
        try
        {
            Move(message.Path, System.IO.Path.Combine(rejected, message.Name), overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unwritable(rejected, e);
        }

        // Written aside and renamed into place: File.WriteAllText would follow a link planted under the note's name.
        using var note = AtomicFile.Create(System.IO.Path.Combine(rejected, message.Name + ".reason.txt"));
        note.Stream.Write(Encoding.UTF8.GetBytes(reason + Environment.NewLine));
        note.Commit();
    }

    /// <inheritdoc/>
    async IAsyncEnumerable<ClaimedMessage> IMessageSource.ClaimAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var claimed in Claim())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return claimed;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    ValueTask IMessageSource.CompleteAsync(ClaimedMessage message, CancellationToken cancellationToken)
    {
        Complete(message);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    ValueTask IMessageSource.RejectAsync(ClaimedMessage message, string reason, CancellationToken cancellationToken)
    {
        Reject(message, reason);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>A claimed message stays in <c>processing/</c>, where the next run takes it up first.</remarks>
    ValueTask IMessageSource.ReleaseAsync(ClaimedMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Removes temporary files a sender that died mid-write left behind (no writer takes an hour).</summary>
    private void RemoveDebris()
    {
        var cutoff = DateTime.UtcNow - TimeSpan.FromHours(1);
        foreach (var file in Directory.EnumerateFiles(Path, AtomicFile.TemporaryPrefix + "*", SearchOption.TopDirectoryOnly))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < cutoff)
                {
                    File.Delete(file);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another receiver removed it first, or its writer is alive after all; either way, not ours to insist.
            }
        }
    }

    /// <summary>True when two paths name the same folder (after making them full, ignoring a trailing separator).</summary>
    public static bool SamePath(string a, string b) =>
        string.Equals(
            System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(a)),
            System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(b)),
            OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>How many messages wait in the folder (not counting claimed or rejected ones).</summary>
    public int Waiting() => Messages(Path).Count();

    // Files, and symbolic links whatever they point at (a folder, nothing): a link is claimed and refused as itself.
    // A real folder named like a message is no message and is left alone.
    private static IEnumerable<string> Messages(string folder) =>
        new DirectoryInfo(folder).EnumerateFileSystemInfos("*" + Extension, SearchOption.TopDirectoryOnly)
            .Where(f => (f is FileInfo || f.LinkTarget is not null) && !f.Name.StartsWith(AtomicFile.TemporaryPrefix, StringComparison.Ordinal))
            .Select(f => f.FullName)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>True when <paramref name="path"/> names a file or a link (File.Exists follows a link, and says no for one to a folder).</summary>
    private static bool Exists(string path) => File.Exists(path) || new FileInfo(path).LinkTarget is not null;

    /// <summary>Renames a message, or a link in its place, itself: never what a link points at.</summary>
    private static void Move(string source, string destination, bool overwrite)
    {
        if (new FileInfo(source).LinkTarget is not null && Directory.Exists(source))
        {
            // File.Move will not rename a link to a folder; Directory.Move renames the link, not the folder.
            if (overwrite && Exists(destination))
            {
                File.Delete(destination);
            }

            Directory.Move(source, destination);
            return;
        }

        File.Move(source, destination, overwrite);
    }

    private static DirSyncException Unwritable(string folder, Exception e) =>
        new($"cannot write '{folder}': {(e is UnauthorizedAccessException ? "permission denied" : e.Message)}", ErrorCategory.FileSystem, e);

    private string EnsureSubfolder(string name)
    {
        var folder = System.IO.Path.Combine(Path, name);

        // Directory.Exists follows a link, and a link here would carry every claim or rejection out of the folder.
        var info = new DirectoryInfo(folder);
        if (info.LinkTarget is not null)
        {
            throw new DirSyncException(
                $"'{folder}' in the drop folder is a symbolic link, not a folder; DirSync never writes through a link, so remove it (the next run makes the folder)",
                ErrorCategory.FileSystem);
        }

        if (File.Exists(folder))
        {
            throw new DirSyncException($"'{folder}' in the drop folder is a file, not a folder; remove it (the next run makes the folder)", ErrorCategory.FileSystem);
        }

        if (!info.Exists)
        {
            try
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(folder);
                }
                else
                {
                    Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Unwritable(folder, e);
            }
        }

        return folder;
    }
}
