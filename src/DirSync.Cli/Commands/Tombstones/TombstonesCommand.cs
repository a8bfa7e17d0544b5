using System.CommandLine;
using System.Globalization;
using DirSync.Core.Admin;

namespace DirSync.Cli.Commands.Tombstones;

/// <summary><c>dirsync tombstones purge</c>.</summary>
internal static class TombstonesCommand
{
    public static Command Create(CliIo io) =>
        new("tombstones", "Manage the tombstones deleted recipients leave for incremental exports") { Purge(io) };

    private static Command Purge(CliIo io)
    {
        var olderThan = new Option<double>("--older-than")
        {
            Description = "Purge tombstones deleted more than this many days ago (default 60)",
            HelpName = "days",
            DefaultValueFactory = _ => DirectoryAdmin.DefaultTombstoneRetention.TotalDays,
        };
        olderThan.Validators.Add(result =>
        {
            // A value that is no number already has its parse error; reading it as a double here would throw.
            if (result.Tokens.Count == 1
                && double.TryParse(result.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var days)
                && days is not (>= 0 and <= 36500))
            {
                result.AddError("--older-than must be a number of days from 0 to 36500");
            }
        });
        var json = GlobalOptions.Json();
        var command = new Command("purge", "Remove old tombstones; an incremental export older than them can no longer see those deletes") { olderThan, json };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var days = context.ParseResult.GetValue(olderThan);
            var (purged, before) = await new DirectoryAdmin(store).PurgeTombstonesAsync(TimeSpan.FromDays(days), cancellationToken);
            if (context.ParseResult.GetValue(json))
            {
                context.WriteJson(w =>
                {
                    w.WriteStartObject();
                    w.WriteNumber("purged", purged);
                    w.WriteString("deletedBefore", before);
                    w.WriteEndObject();
                });
                return;
            }

            context.Out.WriteLine($"Purged {purged} tombstone{(purged == 1 ? "" : "s")} deleted before {before:u}");
        });
        return command;
    }
}
