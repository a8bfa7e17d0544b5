using System.Globalization;
using System.Text.Json;
using DirSync.Core.Storage;

namespace DirSync.Core.Status;

/// <summary>Writes a <see cref="StoreStatus"/> as the JSON of <c>dirsync status --json</c> and <c>GET /api/status</c> (documented in docs/commands.md).</summary>
public static class StatusJson
{
    /// <summary>Writes the overview as one JSON object.</summary>
    public static void Write(Utf8JsonWriter w, StoreStatus status)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(status);
        w.WriteStartObject();
        w.WriteString("time", status.Time);
        w.WriteStartObject("store");
        w.WriteString("identity", status.Store.Identity);
        w.WriteString("organization", status.Store.Organization);
        w.WriteString("site", status.Store.Site);
        w.WriteString("server", status.Store.Server);
        w.WriteNumber("highestUsn", status.HighestUsn);
        w.WriteEndObject();
        w.WriteStartArray("roles");
        foreach (var role in status.Roles)
        {
            w.WriteStringValue(role);
        }

        w.WriteEndArray();
        w.WriteStartObject("recipients");
        w.WriteNumber("mailbox", status.Recipients.Mailboxes);
        w.WriteNumber("customRecipient", status.Recipients.CustomRecipients);
        w.WriteNumber("distributionList", status.Recipients.DistributionLists);
        w.WriteEndObject();
        WriteServer(w, status.Server);
        WriteRequestor(w, status.Requestor);
        w.WriteStartArray("instances");
        foreach (var i in status.Instances)
        {
            w.WriteStartObject();
            w.WriteString("name", i.Name);
            w.WriteString("direction", i.Direction);
            Time(w, "lastExport", i.LastExport);
            w.WriteNumber("lastSequence", i.LastSequence);
            Time(w, "lastImport", i.LastImport);
            w.WriteNumber("lastImportedSequence", i.LastImportedSequence);
            w.WritePropertyName("lastRun");
            WriteRun(w, i.LastRun);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("runs");
        foreach (var run in status.Runs)
        {
            WriteRun(w, run);
        }

        w.WriteEndArray();
        w.WriteStartObject("gal");
        w.WriteNumber("entries", status.Gal.Entries);
        Time(w, "rebuilt", status.Gal.RebuiltAt);
        w.WriteBoolean("stale", status.Gal.Stale);
        Number(w, "changesSince", status.Gal.ChangesSince);
        w.WriteEndObject();
        w.WriteStartObject("eventCounts");
        foreach (var (code, count) in status.EventCounts.OrderBy(c => c.Key))
        {
            w.WriteNumber(code.ToString(CultureInfo.InvariantCulture), count);
        }

        w.WriteEndObject();
        w.WriteStartArray("events");
        foreach (var e in status.Events)
        {
            w.WriteStartObject();
            w.WriteNumber("id", e.Id);
            w.WriteString("time", e.Time);
            w.WriteNumber("code", e.Code);
            w.WriteString("severity", Severity(e.Severity));
            w.WriteString("message", e.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The word for a severity, as <c>dirsync events --json</c> writes it.</summary>
    public static string Severity(EventSeverity severity) => severity switch
    {
        EventSeverity.Error => "error",
        EventSeverity.Warning => "warning",
        EventSeverity.Information => "information",
        _ => "detail",
    };

    private static void WriteServer(Utf8JsonWriter w, ServerOverview? s)
    {
        if (s is null)
        {
            w.WriteNull("server");
            return;
        }

        w.WriteStartObject("server");
        w.WriteString("name", s.Name);
        w.WriteString("inbox", s.Inbox);
        w.WriteNumber("keepUpdates", s.KeepUpdatesDays);
        w.WriteNumber("highestSrvSync", s.HighestSrvSync);
        w.WriteNumber("cycle", s.Cycle);
        w.WriteNumber("purgedThrough", s.PurgedThrough);
        w.WriteNumber("masterLogEntries", s.MasterLogEntries);
        Number(w, "messagesWaiting", s.MessagesWaiting);
        w.WriteStartArray("requestors");
        foreach (var r in s.Requestors)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Name);
            w.WriteString("transport", r.Transport);
            w.WriteString("inbox", r.Inbox);
            w.WriteNumber("reqSync", r.ReqSync);
            w.WriteNumber("srvSync", r.SrvSync);
            w.WriteNumber("reportedSrvSync", r.ReportedSrvSync);
            w.WriteNumber("impSync", r.ImpSync);
            w.WriteNumber("lastCycle", r.LastCycle);
            Time(w, "lastContact", r.LastContact);
            w.WriteBoolean("replyPending", r.ReplyPending);
            w.WriteBoolean("importRequested", r.ImportRequested);
            w.WriteNumber("pendingUpdates", r.PendingUpdates);
            w.WriteNumber("lagCycles", r.LagCycles);
            w.WriteNumber("lagSeconds", Math.Round(r.LagSeconds, 3));
            Number(w, "repliesWaiting", r.RepliesWaiting);
            if (r.LastRefusal is { } refusal)
            {
                w.WriteStartObject("lastError");
                w.WriteNumber("code", refusal.Code);
                w.WriteString("message", refusal.Reason);
                w.WriteString("time", refusal.Time);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("lastError");
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteRequestor(Utf8JsonWriter w, RequestorOverview? r)
    {
        if (r is null)
        {
            w.WriteNull("requestor");
            return;
        }

        w.WriteStartObject("requestor");
        w.WriteString("name", r.Name);
        w.WriteString("transport", r.Transport);
        w.WriteString("server", r.Server);
        Text(w, "inbox", r.Inbox);
        Text(w, "serverName", r.ServerName);
        w.WriteNumber("reqSync", r.ReqSync);
        w.WriteNumber("nextTransaction", r.NextTransaction);
        w.WriteNumber("srvSync", r.SrvSync);
        w.WriteNumber("impSync", r.ImpSync);
        w.WriteNumber("unacknowledged", r.Unacknowledged);
        w.WriteNumber("waitingForImport", r.WaitingForImport);
        w.WriteBoolean("applyOnReceive", r.ApplyOnReceive);
        Time(w, "lastSent", r.LastSent);
        Time(w, "lastReceived", r.LastReceived);
        Time(w, "lastImported", r.LastImported);
        Text(w, "lastServerError", r.LastServerError);
        w.WriteEndObject();
    }

    private static void WriteRun(Utf8JsonWriter w, RunRecord? run)
    {
        if (run is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WriteString("what", run.What);
        w.WriteString("started", run.Started);
        w.WriteNumber("seconds", Math.Round(run.Seconds, 3));
        w.WriteBoolean("succeeded", run.Succeeded);
        w.WriteString("summary", run.Summary);
        w.WriteEndObject();
    }

    private static void Time(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            w.WriteString(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Text(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void Number(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
