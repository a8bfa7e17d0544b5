using System.Globalization;
using DirSync.Core.Sync;

namespace DirSync.Core.Hub;

/// <summary>The envelope of a Dir-Sync message: who sends it to whom and the sync numbers, carried as change-set header lines.</summary>
/// <param name="Kind">What the message is.</param>
/// <param name="Id">A unique id, so the same message is not taken in twice.</param>
/// <param name="From">The sending postoffice.</param>
/// <param name="To">The postoffice it is addressed to.</param>
/// <param name="ReqSync">A requestor update: its new ReqSync; a reply: the echoed ReqSync (the acknowledgement); a resync: the highest ReqSync of all requestors.</param>
/// <param name="ReqSyncWas">A requestor update: the ReqSync the server last acknowledged.</param>
/// <param name="SrvSync">A requestor update: what it has received (its SrvSync); a reply or resync: the new SrvSync.</param>
/// <param name="SrvSyncWas">A reply: the SrvSync it starts after.</param>
/// <param name="ImpSync">How many imports the requestor has asked for.</param>
/// <param name="FirstTransaction">A requestor update: the number of its first record (the rest follow one by one).</param>
/// <param name="ImportRequest">A requestor update asks for every address list.</param>
/// <param name="Export">A requestor update holds the requestor's whole list (its entries absent from it are deleted).</param>
/// <param name="ImportReply">A reply holds every address list; importing it replaces the foreign lists.</param>
/// <param name="Error">A reply's error for the requestor (such as 138 missing transactions), or null.</param>
public sealed record HubMessage(
    MessageKind Kind,
    Guid Id,
    string From,
    string To,
    long ReqSync,
    long ReqSyncWas,
    long SrvSync,
    long SrvSyncWas,
    long ImpSync,
    long FirstTransaction,
    bool ImportRequest,
    bool Export,
    bool ImportReply,
    HubError? Error)
{
    /// <summary>A requestor update: how many times the requestor's numbers were reset on purpose (<c>requestor reset</c>); 0 until then.</summary>
    /// <remarks>Numbers start again from 1 after a reset; the generation tells such a message from a replay of an old one.</remarks>
    public long Generation { get; init; }

    /// <summary>The header's instance value for every hub message.</summary>
    public const string InstanceName = "dir-sync";

    /// <summary>The header lines of the message.</summary>
    public IReadOnlyDictionary<string, string> ToExtensions()
    {
        var lines = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["message"] = Kind switch { MessageKind.RequestorUpdate => "reqtx", MessageKind.ServerReply => "srvtx", _ => "resync" },
            ["message-id"] = Id.ToString("D"),
            ["from"] = From,
            ["to"] = To,
            ["req-sync"] = Number(ReqSync),
            ["req-sync-was"] = Number(ReqSyncWas),
            ["srv-sync"] = Number(SrvSync),
            ["srv-sync-was"] = Number(SrvSyncWas),
            ["imp-sync"] = Number(ImpSync),
            ["first-transaction"] = Number(FirstTransaction),
            ["import-request"] = ImportRequest ? "yes" : "no",
            ["export"] = Export ? "yes" : "no",
            ["import-reply"] = ImportReply ? "yes" : "no",
        };
        if (Error is not null)
        {
            lines["error"] = Error.ToString();
        }

        if (Generation > 0)
        {
            lines["generation"] = Number(Generation);
        }

        return lines;
    }

    /// <summary>Reads the envelope from a change set's header, or explains what is wrong with it.</summary>
    public static HubMessage Parse(ChangeSetHeader header, string name)
    {
        ArgumentNullException.ThrowIfNull(header);
        var x = header.Extensions;
        string Get(string key) => x.TryGetValue(key, out var v) ? v : throw Invalid($"the header lacks '{key}'");
        long Long(string key) => long.TryParse(Get(key), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw Invalid($"'{key}' is not a whole number");
        bool Flag(string key) => Get(key) switch { "yes" => true, "no" => false, _ => throw Invalid($"'{key}' is neither yes nor no") };
        InputFormatException Invalid(string reason) => new(name, 0, null, $"not a valid Dir-Sync message: {reason}");

        var kind = Get("message") switch
        {
            "reqtx" => MessageKind.RequestorUpdate,
            "srvtx" => MessageKind.ServerReply,
            "resync" => MessageKind.Resync,
            var other => throw Invalid($"unknown message kind '{other}'"),
        };
        return new HubMessage(
            kind,
            Guid.TryParse(Get("message-id"), out var id) ? id : throw Invalid("'message-id' is not a GUID"),
            Get("from"),
            Get("to"),
            Long("req-sync"),
            Long("req-sync-was"),
            Long("srv-sync"),
            Long("srv-sync-was"),
            Long("imp-sync"),
            Long("first-transaction"),
            Flag("import-request"),
            Flag("export"),
            Flag("import-reply"),
            x.TryGetValue("error", out var error) ? HubError.TryParse(error) ?? throw Invalid("'error' is not a numbered error (code: text)") : null)
        {
            Generation = x.ContainsKey("generation") ? Long("generation") : 0,
        };
    }

    /// <summary>The one-line summary the original put in the message text.</summary>
    public string Summary(long records) => Kind switch
    {
        MessageKind.RequestorUpdate => $"ReqTx R={ReqSync} (was {ReqSyncWas}), S={SrvSync}, I={ImpSync} {records} sent",
        MessageKind.ServerReply => $"SrvTx R={ReqSync} S={SrvSync} (was {SrvSyncWas}) I={ImpSync} {records} sent",
        _ => $"Resync R={ReqSync} S={SrvSync} I={ImpSync} {records} entries",
    };

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
