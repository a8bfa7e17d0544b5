using System.Globalization;
using System.Net;
using System.Text;
using DirSync.Core.Status;
using DirSync.Core.Storage;

namespace DirSync.Server;

/// <summary>The HTML status page: one self-contained document (inline CSS, no scripts, no outside assets) that reloads itself.</summary>
internal static class StatusPage
{
    /// <summary>What the page may load: nothing but its own inline style.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private const string Style = """
        body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2733;background:#f4f6f8}
        header{background:#1d3557;color:#fff;padding:14px 24px}
        header h1{margin:0;font-size:20px;font-weight:600}
        header p{margin:4px 0 0;color:#c9d6e3}
        main{padding:8px 24px 24px}
        section{background:#fff;border:1px solid #d8dee4;border-radius:6px;margin:16px 0;padding:12px 16px}
        h2{font-size:16px;margin:0 0 8px}
        table{border-collapse:collapse;width:100%}
        th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e6eaee;vertical-align:top}
        th{font-weight:600;color:#4a5868;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
        td.n{text-align:right;font-variant-numeric:tabular-nums}
        .ok{color:#1a7f37}.warn{color:#9a6700}.bad{color:#cf222e;font-weight:600}
        tr.bad td{background:#fff0f0}
        .badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;background:#e6eaee}
        .badge.ok{background:#dafbe1}.badge.warn{background:#fff8c5}.badge.bad{background:#ffebe9}
        .muted{color:#6b7785}
        dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:0}
        dt{color:#4a5868}dd{margin:0}
        td.msg{white-space:pre-wrap;word-break:break-word}
        """;

    public static string Render(StoreStatus status, int refreshSeconds)
    {
        var html = new StringBuilder();
        var s = status.Store;
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append(CultureInfo.InvariantCulture, $"<meta http-equiv=\"refresh\" content=\"{refreshSeconds}\">");
        html.Append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
        html.Append("<title>DirSync — ").Append(E(s.DisplayName)).Append("</title><style>").Append(Style).Append("</style></head><body>");
        html.Append("<header><h1>DirSync — ").Append(E(s.DisplayName)).Append("</h1><p>");
        html.Append("Roles: ").Append(status.Roles.Count == 0 ? "none" : E(string.Join(", ", status.Roles)));
        html.Append(" · as of ").Append(E(Time(status.Time))).Append(CultureInfo.InvariantCulture, $" · reloads every {refreshSeconds} s</p></header><main>");

        if (status.Server is { } server)
        {
            Server(html, server, status.Time);
        }

        if (status.Requestor is { } requestor)
        {
            Requestor(html, requestor);
        }

        Runs(html, status);
        Directory(html, status);
        Events(html, status.Events);
        html.Append("</main></body></html>");
        return html.ToString();
    }

    private static void Server(StringBuilder html, ServerOverview s, DateTimeOffset now)
    {
        html.Append("<section id=\"server\"><h2>Dir-sync server ").Append(E(s.Name)).Append("</h2>");
        html.Append(CultureInfo.InvariantCulture, $"<p>Highest SrvSync <b>{s.HighestSrvSync}</b> · cycle <b>{s.Cycle}</b> · master log {s.MasterLogEntries} updates kept {s.KeepUpdatesDays} days");
        if (s.PurgedThrough > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $", purged through {s.PurgedThrough}");
        }

        html.Append(" · ").Append(s.MessagesWaiting is { } w ? $"{w} message{(w == 1 ? "" : "s")} waiting for server receive" : "<span class=\"bad\">inbox unreadable</span>").Append("</p>");
        html.Append("<table id=\"requestors\"><thead><tr><th>Requestor</th><th>Transport</th><th>Last contact</th><th>ReqSync</th><th>SrvSync (reported)</th><th>Pending updates</th><th>Lag</th><th>Replies waiting</th><th>Last error</th></tr></thead><tbody>");
        foreach (var r in s.Requestors)
        {
            var failing = r.LastRefusal is { } refusal && (r.LastContact is null || refusal.Time >= r.LastContact);
            html.Append(failing ? "<tr class=\"bad\">" : "<tr>");
            html.Append("<td><b>").Append(E(r.Name)).Append("</b>");
            if (r.ReplyPending)
            {
                html.Append(" <span class=\"badge\">").Append(r.ImportRequested ? "import reply pending" : "reply pending").Append("</span>");
            }

            html.Append("</td><td>").Append(E(r.Transport)).Append("</td>");
            html.Append("<td>").Append(r.LastContact is { } contact ? $"{E(Ago(now - contact))} <span class=\"muted\">{E(Time(contact))}</span>" : "<span class=\"muted\">never</span>").Append("</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{r.ReqSync}</td><td class=\"n\">{r.SrvSync} ({r.ReportedSrvSync})</td><td class=\"n\">{r.PendingUpdates}</td>");
            var lagClass = r.LagCycles == 0 && r.PendingUpdates == 0 ? "ok" : r.LagCycles > 1 ? "bad" : "warn";
            html.Append("<td class=\"").Append(lagClass).Append("\">").Append(r.LagCycles == 0 && r.PendingUpdates == 0 ? "in step" : $"{r.LagCycles} cycle{(r.LagCycles == 1 ? "" : "s")} behind; oldest missing update {Span(TimeSpan.FromSeconds(r.LagSeconds))} old").Append("</td>");
            html.Append("<td class=\"n\">").Append(r.RepliesWaiting?.ToString(CultureInfo.InvariantCulture) ?? "?").Append("</td>");
            html.Append("<td class=\"msg\">");
            if (r.LastRefusal is { } last)
            {
                html.Append("<span class=\"bad\">").Append(last.Code.ToString(CultureInfo.InvariantCulture)).Append("</span>: ").Append(E(last.Reason)).Append(" <span class=\"muted\">").Append(E(Time(last.Time))).Append("</span>");
            }
            else
            {
                html.Append("<span class=\"muted\">none</span>");
            }

            html.Append("</td></tr>");
        }

        html.Append("</tbody></table></section>");
    }

    private static void Requestor(StringBuilder html, RequestorOverview r)
    {
        html.Append("<section id=\"requestor\"><h2>Requestor ").Append(E(r.Name)).Append("</h2><dl>");
        Item(html, "Server", $"{r.ServerName ?? "not heard from yet"} — {r.Server} ({r.Transport})");
        Item(html, "ReqSync / SrvSync / ImpSync", $"{r.ReqSync} / {r.SrvSync} / {r.ImpSync}");
        Item(html, "Waiting for acknowledgement", $"{r.Unacknowledged} (queued up to {r.NextTransaction})");
        Item(html, "Waiting for import", r.ApplyOnReceive ? "applies replies as they arrive" : r.WaitingForImport.ToString(CultureInfo.InvariantCulture));
        Item(html, "Last sent / received / imported", $"{Time(r.LastSent)} / {Time(r.LastReceived)} / {Time(r.LastImported)}");
        html.Append("<dt>Server's last error</dt><dd>").Append(r.LastServerError is null ? "<span class=\"muted\">none</span>" : $"<span class=\"bad\">{E(r.LastServerError)}</span>").Append("</dd>");
        html.Append("</dl></section>");
    }

    private static void Runs(StringBuilder html, StoreStatus status)
    {
        html.Append("<section id=\"runs\"><h2>Last runs</h2>");
        if (status.Runs.Count == 0)
        {
            html.Append("<p class=\"muted\">No step or instance has run since DirSync began recording runs.</p>");
        }
        else
        {
            html.Append("<table><thead><tr><th>Step or instance</th><th>Started</th><th>Took</th><th>Result</th></tr></thead><tbody>");
            foreach (var run in status.Runs)
            {
                html.Append(run.Succeeded ? "<tr>" : "<tr class=\"bad\">");
                html.Append("<td>").Append(E(run.What)).Append("</td><td>").Append(E(Time(run.Started))).Append("</td>");
                html.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{run.Seconds:0.###} s</td>");
                html.Append("<td class=\"msg\"><span class=\"").Append(run.Succeeded ? "ok\">ok" : "bad\">failed").Append("</span> ").Append(E(run.Summary)).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        if (status.Instances.Count > 0)
        {
            html.Append("<h2>Instances</h2><table><thead><tr><th>Instance</th><th>Direction</th><th>Last export</th><th>Last import</th><th>Last run</th></tr></thead><tbody>");
            foreach (var i in status.Instances)
            {
                html.Append(i.LastRun is { Succeeded: false } ? "<tr class=\"bad\">" : "<tr>");
                html.Append("<td>").Append(E(i.Name)).Append("</td><td>").Append(E(i.Direction)).Append("</td>");
                html.Append("<td>").Append(E(i.LastExport is null ? "never" : $"{Time(i.LastExport)} (#{i.LastSequence})")).Append("</td>");
                html.Append("<td>").Append(E(i.LastImport is null ? "never" : $"{Time(i.LastImport)} (#{i.LastImportedSequence})")).Append("</td>");
                html.Append("<td class=\"msg\">").Append(i.LastRun is { } run ? $"{(run.Succeeded ? "ok" : "failed")}: {E(run.Summary)}" : "<span class=\"muted\">not recorded</span>").Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("</section>");
    }

    private static void Directory(StringBuilder html, StoreStatus status)
    {
        var g = status.Gal;
        html.Append("<section id=\"directory\"><h2>Directory</h2><dl>");
        Item(html, "Recipients", $"{status.Recipients.Mailboxes} mailboxes, {status.Recipients.CustomRecipients} custom recipients, {status.Recipients.DistributionLists} distribution lists");
        Item(html, "Highest USN", status.HighestUsn.ToString(CultureInfo.InvariantCulture));
        html.Append("<dt>Global Address List</dt><dd>").Append(CultureInfo.InvariantCulture, $"{g.Entries} entries, rebuilt {E(Time(g.RebuiltAt))} ");
        html.Append(g.Stale ? "<span class=\"badge warn\">stale — run dirsync gal rebuild</span>" : "<span class=\"badge ok\">up to date</span>").Append("</dd>");
        html.Append("</dl></section>");
    }

    private static void Events(StringBuilder html, IReadOnlyList<EventRecord> events)
    {
        html.Append("<section id=\"events\"><h2>Last events</h2><table><thead><tr><th>Time</th><th>Code</th><th>Severity</th><th>Message</th></tr></thead><tbody>");
        foreach (var e in events.Reverse())
        {
            html.Append(e.Severity == EventSeverity.Error ? "<tr class=\"bad\">" : "<tr>");
            html.Append("<td>").Append(E(Time(e.Time))).Append(CultureInfo.InvariantCulture, $"</td><td class=\"n\">{e.Code}</td><td>").Append(StatusJson.Severity(e.Severity)).Append("</td>");
            html.Append("<td class=\"msg\">").Append(E(e.Message)).Append("</td></tr>");
        }

        html.Append("</tbody></table></section>");
    }

    private static void Item(StringBuilder html, string name, string value) =>
        html.Append("<dt>").Append(E(name)).Append("</dt><dd>").Append(E(value)).Append("</dd>");

    private static string Time(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy'-'MM'-'dd HH':'mm':'ss'Z'", CultureInfo.InvariantCulture) ?? "never";

    private static string Ago(TimeSpan span) => span.TotalSeconds < 1 ? "now" : Span(span) + " ago";

    private static string Span(TimeSpan span) => span.TotalSeconds switch
    {
        < 90 => $"{Math.Max(0, (int)span.TotalSeconds)} s",
        < 5400 => $"{(int)span.TotalMinutes} min",
        < 172800 => $"{(int)span.TotalHours} h",
        _ => $"{(int)span.TotalDays} days",
    };

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
