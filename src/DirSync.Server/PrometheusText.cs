using System.Globalization;
using System.Text;
using DirSync.Core.Status;

namespace DirSync.Server;

/// <summary>Writes a store's overview in the Prometheus text exposition format (version 0.0.4), for <c>GET /metrics</c>.</summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(StoreStatus status)
    {
        var text = new StringBuilder();
        var m = new Writer(text);
        m.Family("dirsync_info", "gauge", "The store: its identity and names (always 1).");
        m.Sample("dirsync_info", 1, ("identity", status.Store.Identity.ToString("D")), ("organization", status.Store.Organization), ("site", status.Store.Site), ("server", status.Store.Server));
        m.Family("dirsync_highest_usn", "gauge", "The store's highest update sequence number.");
        m.Sample("dirsync_highest_usn", status.HighestUsn);
        m.Family("dirsync_recipients", "gauge", "Live recipients by class.");
        m.Sample("dirsync_recipients", status.Recipients.Mailboxes, ("class", "mailbox"));
        m.Sample("dirsync_recipients", status.Recipients.CustomRecipients, ("class", "custom-recipient"));
        m.Sample("dirsync_recipients", status.Recipients.DistributionLists, ("class", "distribution-list"));
        m.Family("dirsync_events_total", "counter", "Events in the store's event log, by code.");
        foreach (var (code, count) in status.EventCounts.OrderBy(c => c.Key))
        {
            m.Sample("dirsync_events_total", count, ("code", code.ToString(CultureInfo.InvariantCulture)));
        }

        m.Family("dirsync_gal_entries", "gauge", "Entries in the Global Address List.");
        m.Sample("dirsync_gal_entries", status.Gal.Entries);
        m.Family("dirsync_gal_stale", "gauge", "1 when recipients changed since the GAL was last rebuilt.");
        m.Sample("dirsync_gal_stale", status.Gal.Stale ? 1 : 0);

        if (status.Server is { } s)
        {
            m.Family("dirsync_server_highest_srvsync", "gauge", "The number of the last update in the master log.");
            m.Sample("dirsync_server_highest_srvsync", s.HighestSrvSync);
            m.Family("dirsync_server_cycle", "gauge", "The current dir-sync cycle.");
            m.Sample("dirsync_server_cycle", s.Cycle);
            m.Family("dirsync_server_master_log_entries", "gauge", "Updates the master log holds.");
            m.Sample("dirsync_server_master_log_entries", s.MasterLogEntries);
            if (s.MessagesWaiting is { } waiting)
            {
                m.Family("dirsync_server_messages_waiting", "gauge", "Messages in the server's inbox not yet taken in.");
                m.Sample("dirsync_server_messages_waiting", waiting);
            }

            m.Family("dirsync_requestor_last_contact_timestamp_seconds", "gauge", "When the requestor was last heard from (Unix time); absent if never.");
            foreach (var r in s.Requestors.Where(r => r.LastContact is not null))
            {
                m.Sample("dirsync_requestor_last_contact_timestamp_seconds", r.LastContact!.Value.ToUnixTimeMilliseconds() / 1000.0, ("requestor", r.Name));
            }

            m.Family("dirsync_requestor_pending_updates", "gauge", "Master-log updates of the other postoffices not yet sent to the requestor.");
            Each(m, s, "dirsync_requestor_pending_updates", r => r.PendingUpdates);
            m.Family("dirsync_requestor_lag_seconds", "gauge", "The age of the oldest update not yet sent to the requestor (0 when none waits).");
            Each(m, s, "dirsync_requestor_lag_seconds", r => r.LagSeconds);
            m.Family("dirsync_requestor_lag_cycles", "gauge", "How many dir-sync cycles the requestor is behind the server's.");
            Each(m, s, "dirsync_requestor_lag_cycles", r => r.LagCycles);
            m.Family("dirsync_requestor_reply_pending", "gauge", "1 when the next server send replies to the requestor.");
            Each(m, s, "dirsync_requestor_reply_pending", r => r.ReplyPending ? 1 : 0);
            m.Family("dirsync_requestor_last_refusal_timestamp_seconds", "gauge", "When the server last refused a message or request of the requestor, by code; absent if never.");
            foreach (var r in s.Requestors.Where(r => r.LastRefusal is not null))
            {
                m.Sample("dirsync_requestor_last_refusal_timestamp_seconds", r.LastRefusal!.Time.ToUnixTimeMilliseconds() / 1000.0,
                    ("requestor", r.Name), ("code", r.LastRefusal.Code.ToString(CultureInfo.InvariantCulture)));
            }
        }

        if (status.Requestor is { } q)
        {
            m.Family("dirsync_requestor_unacknowledged", "gauge", "This requestor's transactions waiting for the server's acknowledgement.");
            m.Sample("dirsync_requestor_unacknowledged", q.Unacknowledged, ("requestor", q.Name));
            m.Family("dirsync_requestor_waiting_for_import", "gauge", "Updates this requestor received and has not imported yet.");
            m.Sample("dirsync_requestor_waiting_for_import", q.WaitingForImport, ("requestor", q.Name));
        }

        m.Family("dirsync_run_duration_seconds", "gauge", "How long the last run of each cycle step or instance took.");
        foreach (var run in status.Runs)
        {
            m.Sample("dirsync_run_duration_seconds", run.Seconds, ("run", run.What));
        }

        m.Family("dirsync_run_succeeded", "gauge", "1 when the last run of the step or instance succeeded.");
        foreach (var run in status.Runs)
        {
            m.Sample("dirsync_run_succeeded", run.Succeeded ? 1 : 0, ("run", run.What));
        }

        m.Family("dirsync_run_last_timestamp_seconds", "gauge", "When the last run of the step or instance started (Unix time).");
        foreach (var run in status.Runs)
        {
            m.Sample("dirsync_run_last_timestamp_seconds", run.Started.ToUnixTimeMilliseconds() / 1000.0, ("run", run.What));
        }

        return text.ToString();
    }

    private static void Each(Writer m, ServerOverview s, string name, Func<RequestorRow, double> value)
    {
        foreach (var r in s.Requestors)
        {
            m.Sample(name, value(r), ("requestor", r.Name));
        }
    }

    private sealed class Writer(StringBuilder text)
    {
        public void Family(string name, string type, string help)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        }

        public void Sample(string name, double value, params (string Name, string Value)[] labels)
        {
            text.Append(name);
            if (labels.Length > 0)
            {
                text.Append('{');
                text.AppendJoin(',', labels.Select(l => $"{l.Name}=\"{Escape(l.Value)}\""));
                text.Append('}');
            }

            text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        /// <summary>A label value escaped as the format asks: backslash, double quote and line feed.</summary>
        private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }
}
