using System.CommandLine;

namespace DirSync.Cli.Commands.Store;

/// <summary><c>dirsync store</c>: work on the store as a whole; each verb lives in a file of its own.</summary>
internal static class StoreCommand
{
    public static Command Create(CliIo io) => new("store", "Work on the store as a whole")
    {
        StoreCheckCommand.Create(io),
        StoreCopyCommand.Create(io),
    };
}
