using System.CommandLine;
using System.Globalization;
using DirSync.Cli.Output;
using DirSync.Core;
using DirSync.Core.Status;

namespace DirSync.Cli.Commands.Status;

/// <summary><c>dirsync status</c>: the overview of one store that the status page shows, on the command line.</summary>
internal static class StatusCommand
{
    public static Command Create(CliIo io)
    {
        var events = OptionValues.Whole("--events", 0, 1000, StatusReader.DefaultEvents, "events", "n", $"How many of the newest events to show, 0 to 1000 (default {StatusReader.DefaultEvents})");
        var command = new Command("status", "The store at a glance: roles, requestors' lag and last errors, last runs, instances, whether the GAL is stale, the last events") { events };
        command.SetAction(io, async (context, cancellationToken) =>
        {
            var count = context.ParseResult.GetValue(events);
            await using var store = await context.OpenStoreAsync(cancellationToken);
            var status = await StatusReader.ReadAsync(store, events: count, cancellationToken: cancellationToken);
            if (context.Json)
            {
                context.WriteJson(w => StatusJson.Write(w, status));
                return;
            }

            Write(context.Out, status);
        });
        return command;
    }

    private static void Write(TextWriter output, StoreStatus status)
    {
        output.WriteLine($"Store {status.Store.DisplayName} ({status.Store.Identity:D}), highest USN {N(status.HighestUsn)}");
        output.WriteLine($"Roles: {(status.Roles.Count == 0 ? "none" : string.Join(", ", status.Roles))}");
        var r = status.Recipients;
        output.WriteLine($"Recipients: {N(r.Mailboxes)} mailboxes, {N(r.CustomRecipients)} custom recipients, {N(r.DistributionLists)} distribution lists");
        var g = status.Gal;
        output.WriteLine(g.Stale
            ? $"GAL: {N(g.Entries)} entries, rebuilt {Time(g.RebuiltAt)}; STALE: recipients changed since, run 'dirsync gal rebuild'"
            : $"GAL: {N(g.Entries)} entries, rebuilt {Time(g.RebuiltAt)}; up to date");

        if (status.Server is { } s)
        {
            output.WriteLine();
            output.WriteLine($"Dir-sync server {s.Name}: Highest SrvSync {N(s.HighestSrvSync)}, cycle {N(s.Cycle)}, master log {N(s.MasterLogEntries)} updates, {(s.MessagesWaiting is { } w ? N(w) : "?")} messages waiting");
            var table = new TableWriter(output, "REQUESTOR", "TRANSPORT", "LAST CONTACT", "REQSYNC", "SRVSYNC", "PENDING", "LAG", "LAST ERROR");
            foreach (var q in s.Requestors)
            {
                table.Row(
                    q.Name,
                    q.Transport,
                    Time(q.LastContact),
                    N(q.ReqSync),
                    $"{N(q.SrvSync)} ({N(q.ReportedSrvSync)})",
                    N(q.PendingUpdates) + (q.ReplyPending ? (q.ImportRequested ? ", import reply" : ", reply") : ""),
                    q.LagCycles == 0 && q.PendingUpdates == 0 ? "-" : $"{N(q.LagCycles)} cycles, {q.LagSeconds.ToString("0", CultureInfo.InvariantCulture)} s",
                    q.LastRefusal is { } e ? $"{e.Code}: {e.Reason} ({Time(e.Time)})" : "-");
            }

            table.Finish();
        }

        if (status.Requestor is { } q2)
        {
            output.WriteLine();
            output.WriteLine($"Requestor {q2.Name}: ReqSync {N(q2.ReqSync)}, SrvSync {N(q2.SrvSync)}, ImpSync {N(q2.ImpSync)}; {N(q2.Unacknowledged)} waiting for acknowledgement, {(q2.ApplyOnReceive ? "applies replies as they arrive" : $"{N(q2.WaitingForImport)} waiting for import")}");
            output.WriteLine($"  server {q2.ServerName ?? "(not heard from yet)"} via {q2.Transport} {q2.Server}; last sent {Time(q2.LastSent)}, received {Time(q2.LastReceived)}, imported {Time(q2.LastImported)}");
            if (q2.LastServerError is not null)
            {
                output.WriteLine($"  the server reported: {q2.LastServerError}");
            }
        }

        if (status.Runs.Count > 0)
        {
            output.WriteLine();
            var table = new TableWriter(output, "LAST RUN", "STARTED", "TOOK", "RESULT");
            foreach (var run in status.Runs)
            {
                table.Row(run.What, Time(run.Started), run.Seconds.ToString("0.000", CultureInfo.InvariantCulture) + " s", $"{(run.Succeeded ? "ok" : "FAILED")}: {run.Summary}");
            }

            table.Finish();
        }

        if (status.Instances.Count > 0)
        {
            output.WriteLine();
            var table = new TableWriter(output, "INSTANCE", "DIRECTION", "LAST EXPORT", "LAST IMPORT", "LAST RUN");
            foreach (var i in status.Instances)
            {
                table.Row(
                    i.Name,
                    i.Direction,
                    i.LastExport is null ? "never" : $"{Time(i.LastExport)} (#{N(i.LastSequence)})",
                    i.LastImport is null ? "never" : $"{Time(i.LastImport)} (#{N(i.LastImportedSequence)})",
                    i.LastRun is { } run ? $"{(run.Succeeded ? "ok" : "FAILED")}: {run.Summary}" : "-");
            }

            table.Finish();
        }

        if (status.Events.Count > 0)
        {
            output.WriteLine();
            var table = new TableWriter(output, "TIME", "CODE", "SEVERITY", "MESSAGE");
            foreach (var e in status.Events)
            {
                table.Row(Time(e.Time), e.Code.ToString(CultureInfo.InvariantCulture), StatusJson.Severity(e.Severity), e.Message);
            }

            table.Finish();
        }
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset? time) => time?.ToString("u", CultureInfo.InvariantCulture) ?? "never";
}
