using System.CommandLine;
using DirSync.Core;
using DirSync.Core.Hub;
using DirSync.Core.Sync;

namespace DirSync.Cli.Commands.Hub;

/// <summary><c>dirsync requestor ...</c>: the requestor role (REQMAIN, IMPORT, LISTDS -R).</summary>
internal static class RequestorCommand
{
    public static Command Create(CliIo io) => new("requestor", "A Dir-Sync requestor postoffice: T1 send, T3 receive and import, status")
    {
        Enable(io), Status(io), Send(io), Receive(io), Import(io), RequestImport(io), Reset(io), ApplyResync(io),
    };

    private static Command Enable(CliIo io)
    {
        var name = new Option<string>("--name") { Description = "This postoffice's name, such as NET/PO", Required = true, HelpName = "NET/PO" };
        var inbox = new Option<string?>("--inbox") { Description = "This postoffice's inbound drop folder (with --server-inbox)", HelpName = "dir" };
        var serverInbox = new Option<string?>("--server-inbox") { Description = "The dir-sync server's inbound drop folder (with --inbox)", HelpName = "dir" };
        var serverUrl = new Option<string?>("--server-url") { Description = "The URL of the server's 'dirsync serve', instead of drop folders: messages are posted to it and replies fetched from it", HelpName = "url" };
        var password = new PasswordOptions("The password registered on the server (only a key derived from it is stored)");
        var addressType = new Option<string?>("--address-type") { Description = "Which address of a foreign entry becomes its target (default SMTP; else its first primary)", HelpName = "TYPE" };
        var applyOnReceive = OptionValues.Flag("--apply-on-receive", "Apply replies as they arrive, as Exchange did (no T3 import); true or false");
        var deleteLimit = GlobalOptions.DeleteLimit();
        var relay = OptionValues.Flag("--relay", "Also send what this store's instances imported (a gateway's users) to the other postoffices (true or false)");
        var command = new Command("enable", "Make this store a requestor (or change its settings; its numbers are kept)") { name, inbox, serverInbox, serverUrl, addressType, applyOnReceive, deleteLimit, relay };
        password.AddTo(command);
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var r = context.ParseResult;

            // Read before the store is opened: nothing about the password file may keep the store waiting.
            var pw = password.Read(context);
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var state = await new Requestor(store).EnableAsync(
                r.GetRequiredValue(name),
                r.GetValue(inbox) is { } own ? Path.GetFullPath(own, context.Io.CurrentDirectory) : null,
                r.GetValue(serverInbox) is { } server ? Path.GetFullPath(server, context.Io.CurrentDirectory) : null,
                pw,
                r.GetValue(addressType),
                r.GetResult(applyOnReceive) is null ? null : r.GetValue(applyOnReceive) ?? true,
                r.GetValue(deleteLimit),
                r.GetResult(relay) is null ? null : r.GetValue(relay) ?? true,
                r.GetValue(serverUrl),
                cancellationToken);
            var transport = state.ServerUrl is { } url ? $"server {url}" : $"inbox {state.Inbox}, server inbox {state.ServerInbox}";
            context.Report($"Requestor {state.Name}: {transport}, address type {state.AddressType}{(state.ApplyOnReceive ? ", applies replies as they arrive" : "")}{(state.Relay ? ", relays what its instances imported" : "")}", w =>
            {
                w.WriteString("name", state.Name);
                w.WriteString("inbox", state.Inbox);
                w.WriteString("serverInbox", state.ServerInbox);
                w.WriteString("serverUrl", state.ServerUrl);
                w.WriteString("addressType", state.AddressType);
                w.WriteBoolean("applyOnReceive", state.ApplyOnReceive);
                w.WriteBoolean("relay", state.Relay);
            });
        });
        return command;
    }

    private static Command Status(CliIo io)
    {
        var command = new Command("status", "This requestor's numbers (like LISTDS -R)");
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var (s, outbox, inbound) = await new Requestor(store).StatusAsync(cancellationToken);
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("name", s.Name);
                    w.WriteNumber("reqSync", s.ReqSync);
                    w.WriteNumber("nextTransaction", s.NextTransaction);
                    w.WriteNumber("srvSync", s.SrvSync);
                    w.WriteNumber("impSync", s.ImpSync);
                    w.WriteNumber("unacknowledged", outbox);
                    w.WriteNumber("waitingForImport", inbound);
                    w.WriteBoolean("importRequested", s.ImportRequested);
                    w.WriteBoolean("applyOnReceive", s.ApplyOnReceive);
                    w.WriteBoolean("relay", s.Relay);
                    w.WriteString("addressType", s.AddressType);
                    if (s.ServerName is null)
                    {
                        w.WriteNull("server");
                    }
                    else
                    {
                        w.WriteString("server", s.ServerName);
                    }

                    if (s.LastServerError is null)
                    {
                        w.WriteNull("lastServerError");
                    }
                    else
                    {
                        w.WriteString("lastServerError", s.LastServerError);
                    }

                    w.WriteEndObject();
                });
                return;
            }

            context.Out.WriteLine($"Requestor {s.Name}: ReqSync = {s.ReqSync}, SrvSync = {s.SrvSync}, ImpSync = {s.ImpSync}");
            context.Out.WriteLine($"  {outbox} transaction{(outbox == 1 ? "" : "s")} waiting for the server's acknowledgement (queued up to {s.NextTransaction}); {inbound} update{(inbound == 1 ? "" : "s")} waiting for import");
            context.Out.WriteLine($"  server {s.ServerName ?? "(not heard from yet)"}; address type {s.AddressType}{(s.ApplyOnReceive ? "; applies replies as they arrive" : "")}{(s.ImportRequested ? "; the next message asks for every address list" : "")}");
            if (s.LastServerError is not null)
            {
                context.Out.WriteLine($"  the server reported: {s.LastServerError}");
            }
        });
        return command;
    }

    private static Command Send(CliIo io)
    {
        var full = new Option<bool>("--full") { Description = "Send the whole local list (an Export): the server replaces this postoffice's entries with it" };
        var command = new Command("send", "T1: send local changes not yet acknowledged, with a status report (REQMAIN -T)") { full };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            CycleOutput.Write(context, context.Json, "requestor send", await CycleOutput.TimedAsync(store, "requestor send", () => new Requestor(store).SendAsync(context.ParseResult.GetValue(full), cancellationToken), cancellationToken));
        });
        return command;
    }

    private static Command Receive(CliIo io) => CycleOutput.ApplyingStep(
        io, "receive", "T3: take the server's replies (REQMAIN -R); with --apply-on-receive they are applied at once", "requestor receive",
        (store, allowDeletes, progress, cancellationToken) => new Requestor(store) { Progress = progress }.ReceiveAsync(allowDeletes, cancellationToken));

    private static Command Import(CliIo io) => CycleOutput.ApplyingStep(
        io, "import", "T3: apply the received updates to the address lists (IMPORT -Q)", "requestor import",
        (store, allowDeletes, progress, cancellationToken) => new Requestor(store) { Progress = progress }.ImportAsync(allowDeletes, cancellationToken));

    private static Command RequestImport(CliIo io)
    {
        var command = new Command("request-import", "Make the next T1 ask the server for every address list (an Import)");
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            await new Requestor(store).RequestImportAsync(cancellationToken);
            context.Report("The next 'requestor send' asks the server for every address list", w => w.WriteBoolean("importRequested", true));
        });
        return command;
    }

    private static Command Reset(CliIo io)
    {
        var command = new Command("reset", "Reset this requestor's sync numbers to 0 (LISTDS -R -Z): the next T1 sends the whole list and asks for every address list");
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var state = await new Requestor(store).ResetAsync(cancellationToken);
            context.Report(
                $"Reset requestor {state.Name}: ReqSync 0, SrvSync 0; the next '{CommandHints.RequestorSend()}' sends the whole local list and asks for every address list. Reset it on the server too: '{CommandHints.ServerResetRequestor(state.Name)}'",
                w =>
                {
                    w.WriteString("name", state.Name);
                    w.WriteNumber("generation", state.Generation);
                });
        });
        return command;
    }

    private static Command ApplyResync(CliIo io)
    {
        var file = new Argument<string>("file") { Description = "The snapshot written by 'dirsync server resync --out'" };
        var allowDeletes = GlobalOptions.AllowDeletes();
        var command = new Command("apply-resync", "Apply the server's resync snapshot: replace the foreign lists and reset the sync numbers") { file, allowDeletes };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var path = Path.GetFullPath(context.ParseResult.GetRequiredValue(file), context.Io.CurrentDirectory);
            var report = await context.WithProgressAsync(
                "Applying the resync snapshot", "entries", progress => new Requestor(store) { Progress = progress }.ApplyResyncAsync(path, context.ParseResult.GetValue(allowDeletes), cancellationToken));
            if (context.Json)
            {
                CycleOutput.Write(context, json: true, "requestor apply-resync", report);
                return;
            }

            foreach (var line in report.Lines)
            {
                context.Out.WriteLine(line);
            }
        });
        return command;
    }
}
