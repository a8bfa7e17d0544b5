namespace DirSync.Cli;

/// <summary>The dirsync command line.</summary>
internal static class DirSyncCommand
{
    public static Task<int> RunAsync(string[] args) => Task.FromResult(args.Length == 0 ? 0 : 2);
}
