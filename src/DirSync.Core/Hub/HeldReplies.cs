using DirSync.Core.Transport;

namespace DirSync.Core.Hub;

/// <summary>Where the server keeps the replies of a requestor that fetches them over HTTP: <c>replies/NET.PO</c> under the server's inbox.</summary>
/// <remarks>
/// The folder is an ordinary drop folder, so <c>server send</c> writes a reply there exactly as it would into a
/// requestor's own inbox; <c>dirsync serve</c> hands the waiting replies to the requestor and removes each one
/// the requestor acknowledges. The server's receive reads only the inbox's own files, never its subfolders.
/// </remarks>
public static class HeldReplies
{
    /// <summary>The subfolder of the server's inbox that holds the requestors' folders.</summary>
    public const string Folder = "replies";

    /// <summary>Makes (if need be) and opens the folder of <paramref name="requestor"/>'s replies.</summary>
    /// <exception cref="DirSyncException">The server's inbox does not exist, or the folder cannot be made.</exception>
    public static DropFolder Create(HubServerState server, string requestor)
    {
        ArgumentNullException.ThrowIfNull(server);
        var inbox = new DropFolder(server.Inbox);
        var path = Path.Combine(inbox.Path, Folder, PostofficeName.FolderName(requestor));
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
            }
            else
            {
                Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DirSyncException($"cannot make the folder '{path}' for {requestor}'s replies: {e.Message}", ErrorCategory.FileSystem, e);
        }

        return new DropFolder(path);
    }
}
