using System.CommandLine;
using DirSync.Cli.Output;
using DirSync.Core.Admin;

namespace DirSync.Cli.Commands.Tombstones;

/// <summary><c>dirsync tombstones purge</c>.</summary>
internal static class TombstonesCommand
{
    public static Command Create(CliIo io) =>
        new("tombstones", "Manage the tombstones deleted recipients leave for incremental exports") { Purge(io) };

    private static Command Purge(CliIo io)
    {
        var olderThan = OptionValues.Decimal(
            "--older-than", 0, 36500, DirectoryAdmin.DefaultTombstoneRetention.TotalDays, "days", "days", "Purge tombstones deleted more than this many days ago (default 60)");
        var dryRun = GlobalOptions.DryRun("Count the tombstones that would be purged, and purge none");
        var command = new Command("purge", "Remove old tombstones; an incremental export older than them can no longer see those deletes") { olderThan, dryRun };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var days = context.ParseResult.GetValue(olderThan);
            var dry = context.ParseResult.GetValue(dryRun);
            var (purged, before) = await new DirectoryAdmin(store).PurgeTombstonesAsync(TimeSpan.FromDays(days), dry, cancellationToken);
            var tombstones = $"{purged} tombstone{(purged == 1 ? "" : "s")} deleted before {before.ToUniversalTime():u}";
            context.Report(
                dry ? $"Would purge {tombstones}. Dry run: the store was not changed." : $"Purged {tombstones}",
                w =>
                {
                    w.WriteNumber("purged", purged);
                    w.WriteString("deletedBefore", JsonTime.Utc(before));
                    w.WriteBoolean("dryRun", dry);
                });
        });
        return command;
    }
}
