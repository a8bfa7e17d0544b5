using DirSync.Tests.Support;

namespace DirSync.Tests.Crash;

/// <summary>What every file-system fault test starts from: a temporary folder, the conditions made in it, and a site there; all undone after each test.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public abstract class FileSystemFaultFixture : IDisposable
{
    protected FileSystemFaultFixture()
    {
        Conditions = new FileSystemConditions(Folder);
    }

    private protected TempFolder Folder { get; } = new();

    private protected FileSystemConditions Conditions { get; }

    private protected CrashSite Site => new(Folder.Path);

    public void Dispose()
    {
        Conditions.Dispose();
        Folder.Dispose();
        GC.SuppressFinalize(this);
    }
}
