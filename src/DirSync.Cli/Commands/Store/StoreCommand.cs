using System.CommandLine;

namespace DirSync.Cli.Commands.Store;

/// <summary><c>dirsync store ...</c>: the store file itself.</summary>
internal static class StoreCommand
{
    public static Command Create(CliIo io) =>
        new("store", "Look after the store file itself") { StoreCheckCommand.Create(io) };
}
