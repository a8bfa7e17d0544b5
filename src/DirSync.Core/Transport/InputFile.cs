using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DirSync.Core.Transport;

/// <summary>Opens a file the user named (an import file, a bulk CSV, a password file, a resync snapshot) for reading.</summary>
/// <remarks>
/// <para>Only a regular file is read. A named pipe would make an ordinary open wait for a writer forever —
/// with the store's write lock held, when the caller has taken it — and a device or socket never ends; a
/// folder is no input either. So on Linux and macOS the file is opened without waiting
/// (<c>O_NONBLOCK</c>, which changes nothing for a regular file), and what was opened is checked before a
/// byte is read: the check is of the opened file itself, so a name swapped between a look and the open
/// cannot slip another kind of file in.</para>
/// <para>Every failure is one <see cref="DirSyncException"/> of category <see cref="ErrorCategory.FileSystem"/>
/// that names the file as the caller describes it and says what to do.</para>
/// </remarks>
public static class InputFile
{
    /// <summary>Opens <paramref name="path"/> for reading, refusing anything but a regular file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="subject">The file as messages name it, e.g. <c>the bulk CSV file '/data/users.csv'</c>.</param>
    /// <param name="fix">What the user should do when the file is missing or of the wrong kind (appended after "; "), or null.</param>
    /// <exception cref="DirSyncException">The file does not exist, is not a regular file, or cannot be read.</exception>
    public static FileStream OpenRead(string path, string subject, string? fix = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(subject);
        var hint = fix is null ? "" : "; " + fix;
        if (Directory.Exists(path))
        {
            throw new DirSyncException($"{subject} is a folder, not a file{hint}", ErrorCategory.FileSystem);
        }

        if (OperatingSystem.IsWindows())
        {
            return Open(() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0), subject, hint);
        }

        var handle = Open(() => UnixOpen(path), subject, hint);
        try
        {
            if (UnixKind(handle) is { } kind)
            {
                throw new DirSyncException(
                    $"{subject} is {kind}, not a regular file (DirSync reads only regular files){hint}",
                    ErrorCategory.FileSystem);
            }

            return new FileStream(handle, FileAccess.Read, bufferSize: 0);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static T Open<T>(Func<T> open, string subject, string hint)
    {
        try
        {
            return open();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DirSyncException($"{subject} does not exist{hint}", ErrorCategory.FileSystem, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DirSyncException($"cannot read {subject}: permission denied; give the user dirsync runs as read access", ErrorCategory.FileSystem, e);
        }
        catch (IOException e)
        {
            throw new DirSyncException($"cannot read {subject}: {e.Message}", ErrorCategory.FileSystem, e);
        }
    }

    private static SafeFileHandle UnixOpen(string path)
    {
        var flags = OperatingSystem.IsLinux() ? LinuxReadNonBlocking : BsdReadNonBlocking;
        var fd = Native.Open(path, flags);
        if (fd >= 0)
        {
            return new SafeFileHandle(fd, ownsHandle: true);
        }

        var errno = Marshal.GetLastPInvokeError();
        throw errno switch
        {
            Enoent or Enotdir => new FileNotFoundException(Marshal.GetPInvokeErrorMessage(errno), path),
            Eacces or Eperm => new UnauthorizedAccessException(Marshal.GetPInvokeErrorMessage(errno)),
            _ => new IOException(Marshal.GetPInvokeErrorMessage(errno), errno),
        };
    }

    /// <summary>What the opened file is when it is not a regular file ("a named pipe (FIFO)"), or null for a regular file.</summary>
    private static string? UnixKind(SafeFileHandle handle)
    {
        if (OperatingSystem.IsLinux())
        {
            // statx has one layout on every Linux architecture, unlike struct stat.
            var buffer = new byte[StatxSize];
            try
            {
                if (Native.Statx((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxType, buffer) == 0)
                {
                    return Describe(BitConverter.ToUInt16(buffer, StatxModeOffset) & FileTypeMask);
                }
            }
            catch (EntryPointNotFoundException)
            {
                // A C library older than statx: the test below still tells a pipe from a file.
            }
        }

        // Elsewhere (or a libc without statx): a regular file can seek, a pipe, socket or terminal cannot.
        using var probe = new FileStream(new SafeFileHandle(handle.DangerousGetHandle(), ownsHandle: false), FileAccess.Read, bufferSize: 0);
        return probe.CanSeek ? null : "a pipe, socket or terminal";
    }

    private static string? Describe(int type) => type switch
    {
        RegularFile => null,
        0x1000 => "a named pipe (FIFO)",
        0x2000 => "a character device",
        0x4000 => "a folder",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => "not a plain file",
    };

    private const int LinuxReadNonBlocking = 0x800 | 0x80000; // O_RDONLY | O_NONBLOCK | O_CLOEXEC
    private const int BsdReadNonBlocking = 0x4 | 0x1000000; // O_RDONLY | O_NONBLOCK | O_CLOEXEC (macOS)
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const int StatxSize = 256;
    private const int StatxModeOffset = 28;
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;
    private const int Eperm = 1;
    private const int Enoent = 2;
    private const int Eacces = 13;
    private const int Enotdir = 20;

    private static class Native
    {
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        public static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
    }
}
