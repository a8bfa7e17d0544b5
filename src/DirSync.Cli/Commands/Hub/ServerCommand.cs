using System.CommandLine;
using System.Globalization;
using DirSync.Cli.Output;
using DirSync.Core;
using DirSync.Core.Hub;
using DirSync.Core.Sync;

namespace DirSync.Cli.Commands.Hub;

/// <summary><c>dirsync server ...</c>: the dir-sync server role (SRVMAIN, LISTDS -S).</summary>
internal static class ServerCommand
{
    public static Command Create(CliIo io) => new("server", "The dir-sync server: requestors, T2 receive and send, status, resync")
    {
        Enable(io), AddRequestor(io), RemoveRequestor(io), ResetRequestor(io), Status(io), Receive(io), Send(io), Resync(io), TakeOver(io),
    };

    private static Command Enable(CliIo io)
    {
        var inbox = new Option<string>("--inbox") { Description = "The server's inbound drop folder", Required = true, HelpName = "dir" };
        var keep = OptionValues.OptionalWhole("--keep-updates", 1, 3650, "days", "days", "Days the master log keeps updates, 1 to 3650 (default 14)");
        var name = new Option<string?>("--name") { Description = "The server postoffice's name (default: this store's requestor name, else its server name)", HelpName = "NET/PO" };
        var command = new Command("enable", "Make this store the dir-sync server (or change its settings)") { inbox, keep, name };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var state = await new DirSyncServer(store).EnableAsync(
                Path.GetFullPath(context.ParseResult.GetRequiredValue(inbox), context.Io.CurrentDirectory),
                context.ParseResult.GetValue(keep),
                context.ParseResult.GetValue(name),
                cancellationToken);
            context.Report($"Dir-sync server {state.Name}: inbox {state.Inbox}, keeps updates {state.KeepUpdatesDays} days", w =>
            {
                w.WriteString("name", state.Name);
                w.WriteString("inbox", state.Inbox);
                w.WriteNumber("keepUpdates", state.KeepUpdatesDays);
            });
        });
        return command;
    }

    private static Command AddRequestor(CliIo io)
    {
        var name = new Argument<string>("name") { Description = "The requestor postoffice, such as NET/PO" };
        var inbox = new Option<string?>("--inbox") { Description = "The requestor's inbound drop folder; without it the requestor fetches its replies from 'dirsync serve', which keeps them meanwhile", HelpName = "dir" };
        var password = new PasswordOptions("The password both sides agree on (only a key derived from it is stored); without it a registered requestor keeps its own");
        var deleteLimit = GlobalOptions.DeleteLimit();
        var command = new Command("add-requestor", "Register a requestor (or change its inbox or password)") { name, inbox, deleteLimit };
        password.AddTo(command);
        command.SetAction(io, async (context, cancellationToken) =>
        {
            // Read before the store is opened: nothing about the password file may keep the store waiting.
            var pw = password.Read(context);
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var registered = await new DirSyncServer(store).AddRequestorAsync(
                context.ParseResult.GetRequiredValue(name),
                context.ParseResult.GetValue(inbox) is { } folder ? Path.GetFullPath(folder, context.Io.CurrentDirectory) : null,
                pw,
                context.ParseResult.GetValue(deleteLimit),
                cancellationToken);
            context.Report(
                registered.FetchesReplies
                    ? $"Registered requestor {registered.Name}: its replies wait in {registered.Inbox} until it fetches them from 'dirsync serve'"
                    : $"Registered requestor {registered.Name}: replies go to {registered.Inbox}",
                w =>
                {
                    w.WriteString("name", registered.Name);
                    w.WriteString("inbox", registered.Inbox);
                    w.WriteBoolean("fetchesReplies", registered.FetchesReplies);
                });
        });
        return command;
    }

    private static Command RemoveRequestor(CliIo io)
    {
        var name = new Argument<string>("name") { Description = "The requestor postoffice" };
        var dryRun = GlobalOptions.DryRun("Count the entries that would be deleted, and remove nothing");
        var command = new Command("remove-requestor", "Remove a requestor; its entries are deleted here and, at the next cycle, everywhere") { name, dryRun };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var value = context.ParseResult.GetRequiredValue(name);
            var dry = context.ParseResult.GetValue(dryRun);
            var deleted = await new DirSyncServer(store).RemoveRequestorAsync(value, dry, cancellationToken);
            context.Report(
                dry
                    ? $"Would remove requestor {value}; {deleted} of its entries would be deleted and queued as deletes for the others. Dry run: the store was not changed."
                    : $"Removed requestor {value}; {deleted} of its entries deleted and queued as deletes for the others",
                w =>
                {
                    w.WriteString("name", value);
                    w.WriteNumber("deleted", deleted);
                    w.WriteBoolean("dryRun", dry);
                });
        });
        return command;
    }

    private static Command ResetRequestor(CliIo io)
    {
        var name = new Argument<string>("name") { Description = "The requestor postoffice" };
        var command = new Command("reset-requestor", "Reset a requestor's sync numbers here, keeping its entries; its next message is answered with every address list") { name };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var registered = await new DirSyncServer(store).ResetRequestorAsync(context.ParseResult.GetRequiredValue(name), cancellationToken);
            context.Report(
                $"Reset requestor {registered.Name}: its next message starts its numbers afresh and is answered with every address list; messages written before now are refused",
                w =>
                {
                    w.WriteString("name", registered.Name);
                    w.WriteString("resetAt", JsonTime.Utc(registered.ResetAt!.Value));
                });
        });
        return command;
    }

    private static Command TakeOver(CliIo io)
    {
        var from = new Option<string>("--from") { Description = "The store of the server being replaced (a file or a postgresql:// URI); nothing may be writing to it", Required = true, HelpName = "path|uri" };
        var fromPasswordFile = new Option<string?>("--from-password-file") { Description = "For a postgresql:// --from: read its password from the first line of this file", HelpName = "path" };
        var inbox = new Option<string>("--inbox") { Description = "This store's inbound drop folder as the server", Required = true, HelpName = "dir" };
        var command = new Command("take-over", "Move the dir-sync server role to this requestor's store: it carries on with the old server's numbers, requestors and master log") { from, fromPasswordFile, inbox };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var r = context.ParseResult;
            var location = StoreLocation.Parse(r.GetRequiredValue(from), context.Io.CurrentDirectory, r.GetValue(fromPasswordFile));
            await using var store = await context.OpenStoreAsync(cancellationToken);
            await using var old = await location.OpenAsync(context.LockTimeout, cancellationToken);
            var (state, requestors, updates) = await new ServerHandover(store).TakeOverAsync(
                old, location.Display, Path.GetFullPath(r.GetRequiredValue(inbox), context.Io.CurrentDirectory), cancellationToken);
            context.Report(
                $"{state.Name} is now the dir-sync server, in place of the old one: {requestors} requestors, master log through {state.Sync} ({updates} updates kept), inbox {state.Inbox}. Point every other requestor at this inbox ('{CommandHints.RequestorEnable()}')",
                w =>
                {
                    w.WriteString("name", state.Name);
                    w.WriteString("inbox", state.Inbox);
                    w.WriteNumber("requestors", requestors);
                    w.WriteNumber("highestSrvSync", state.Sync);
                    w.WriteNumber("updates", updates);
                });
        });
        return command;
    }

    private static Command Status(CliIo io)
    {
        var command = new Command("status", "The server's numbers and each requestor's (like LISTDS -S)");
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var status = await new DirSyncServer(store).StatusAsync(cancellationToken);
            var s = status.Server;
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("name", s.Name);
                    w.WriteString("inbox", s.Inbox);
                    w.WriteNumber("keepUpdates", s.KeepUpdatesDays);
                    w.WriteNumber("highestSrvSync", s.Sync);
                    w.WriteNumber("cycle", s.Cycle);
                    w.WriteNumber("purgedThrough", s.PurgedThrough);
                    w.WriteNumber("masterLogEntries", status.MasterLogEntries);
                    w.WriteStartArray("requestors");
                    foreach (var r in status.Requestors)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", r.Name);
                        w.WriteNumber("reqSync", r.ReqSync);
                        w.WriteNumber("srvSync", r.SrvSync);
                        w.WriteNumber("reportedSrvSync", r.ReportedSrvSync);
                        w.WriteNumber("impSync", r.ImpSync);
                        w.WriteNumber("lastCycle", r.LastCycle);
                        if (r.LastUpdateReceived is { } when)
                        {
                            w.WriteString("lastUpdateReceived", JsonTime.Utc(when));
                        }
                        else
                        {
                            w.WriteNull("lastUpdateReceived");
                        }

                        w.WriteBoolean("replyPending", r.ReplyPending);
                        w.WriteBoolean("importRequested", r.ImportRequested);
                        w.WriteString("inbox", r.Inbox);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                });
                return;
            }

            context.Out.WriteLine($"Dir-sync server {s.Name}: Highest SrvSync is {s.Sync}, Current Dirsync Cycle is {s.Cycle}");
            context.Out.WriteLine($"Master log: {status.MasterLogEntries} updates kept {s.KeepUpdatesDays} days{(s.PurgedThrough > 0 ? $", purged through {s.PurgedThrough}" : "")}");
            var table = new TableWriter(context.Out, "REQUESTOR", "REQSYNC", "SRVSYNC", "LAST CYCLE", "LAST UPDATE RECEIVED", "PENDING");
            foreach (var r in status.Requestors)
            {
                table.Row(
                    r.Name,
                    r.ReqSync.ToString(CultureInfo.InvariantCulture),
                    r.SrvSync.ToString(CultureInfo.InvariantCulture),
                    r.LastCycle.ToString(CultureInfo.InvariantCulture),
                    r.LastUpdateReceived?.ToString("u", CultureInfo.InvariantCulture) ?? "never",
                    r.ReplyPending ? (r.ImportRequested ? "import reply" : "reply") : "-");
            }

            table.Finish();
        });
        return command;
    }

    private static Command Receive(CliIo io) => CycleOutput.ApplyingStep(
        io, "receive", "T2: take every waiting requestor message into the master log (SRVMAIN -R)", "server receive",
        (store, allowDeletes, progress, cancellationToken) => new DirSyncServer(store) { Progress = progress }.ReceiveAsync(allowDeletes, cancellationToken));

    private static Command Send(CliIo io)
    {
        var command = new Command("send", "T2: reply to each requestor whose message arrived with what it lacks (SRVMAIN -T)");
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            CycleOutput.Write(context, context.Json, "server send", await CycleOutput.TimedAsync(store, "server send", () => new DirSyncServer(store).SendAsync(cancellationToken), cancellationToken));
        });
        return command;
    }

    private static Command Resync(CliIo io)
    {
        var output = new Option<string>("--out") { Description = "Where to write the snapshot", Required = true, HelpName = "file" };
        var command = new Command("resync", "After restoring the server from a backup: write every address list and the numbers requestors reset to (RESYNC.GLB)") { output };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var path = Path.GetFullPath(context.ParseResult.GetRequiredValue(output), context.Io.CurrentDirectory);
            var count = await new DirSyncServer(store).ResyncAsync(path, cancellationToken);
            context.Report($"Wrote the resync snapshot {path}: {count} entries; apply it on every requestor with '{CommandHints.RequestorApplyResync(path)}'", w =>
            {
                w.WriteString("file", path);
                w.WriteNumber("entries", count);
            });
        });
        return command;
    }
}
