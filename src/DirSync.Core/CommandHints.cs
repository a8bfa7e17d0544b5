using System.Globalization;
using DirSync.Core.Model;
using DirSync.Core.Scheduling;

namespace DirSync.Core;

/// <summary>
/// The commands that errors and notes name as the way forward ("create it with 'dirsync container add Sales'"):
/// the one place Core spells the command line, so that a renamed command or option is renamed here once.
/// </summary>
/// <remarks>
/// A test parses what every method returns against the real command tree. Words in angle brackets
/// (<c>&lt;dir&gt;</c>) stand for a value the administrator supplies; everything else is typed as shown.
/// </remarks>
public static class CommandHints
{
    /// <summary>Creates a store.</summary>
    public static string Init() => "dirsync init --org <Org> --site <Site> --server <Server>";

    /// <summary>Checks the store for damage.</summary>
    public static string StoreCheck() => "dirsync store check";

    /// <summary>Lists the recipients.</summary>
    public static string RecipientsList() => "dirsync recipients list";

    /// <summary>The verb of the command for a recipient's class, such as <c>dirsync dl remove List</c>.</summary>
    public static string Recipient(ObjectClass objectClass, string verb, string alias) =>
        $"dirsync {(objectClass == ObjectClass.DistributionList ? "dl" : objectClass.ToToken())} {verb} {Arg(alias)}";

    /// <summary>Lists the attributes and their spellings.</summary>
    public static string Attributes() => "dirsync attributes";

    /// <summary>Lists the containers.</summary>
    public static string ContainerList() => "dirsync container list";

    /// <summary>Creates a container.</summary>
    public static string ContainerAdd(DirectoryPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return $"dirsync container add {Arg(path.Value)}";
    }

    /// <summary>Lists the instances.</summary>
    public static string InstanceList() => "dirsync instance list";

    /// <summary>Makes an instance export to a file.</summary>
    public static string InstanceExport(string instance) => $"dirsync instance set {Arg(instance)} --export --file <path>";

    /// <summary>Makes an instance import a file.</summary>
    public static string InstanceImport(string instance) => $"dirsync instance set {Arg(instance)} --import --file <path>";

    /// <summary>Makes an instance export and import.</summary>
    public static string InstanceBoth(string instance) => $"dirsync instance set {Arg(instance)} --both --export-file <path> --import-file <path>";

    /// <summary>Points an instance at another import file.</summary>
    public static string InstanceImportFile(string instance) => $"dirsync instance set {Arg(instance)} --import-file <path>";

    /// <summary>Sets which address of the source becomes an imported recipient's target.</summary>
    public static string InstanceAddressType(string instance) => $"dirsync instance set {Arg(instance)} --address-type <TYPE>";

    /// <summary>Sets an instance's delete limit.</summary>
    public static string InstanceDeleteLimit(string instance) => $"dirsync instance set {Arg(instance)} --delete-limit <n>";

    /// <summary>Runs an instance.</summary>
    public static string Run(string instance) => $"dirsync run {Arg(instance)}";

    /// <summary>Points an instance at a live directory.</summary>
    public static string InstanceDirectory(string instance) => $"dirsync instance set {Arg(instance)} --ldap <URL> --base-dn <DN>";

    /// <summary>Runs an instance, whichever it is.</summary>
    public static string RunAny() => "dirsync run <instance>";

    /// <summary>Runs an instance's export in full.</summary>
    public static string RunFull(string instance) => $"dirsync run {Arg(instance)} --full";

    /// <summary>Runs an instance's import from a replacement source.</summary>
    public static string RunAcceptingNewSource(string instance) => $"dirsync run {Arg(instance)} --accept-new-source";

    /// <summary>Runs an instance again, letting it delete up to <paramref name="deletes"/> recipients.</summary>
    public static string RunAllowingDeletes(string instance, long deletes) => $"dirsync run {Arg(instance)} --allow-deletes {Number(deletes)}";

    /// <summary>Makes this store the dir-sync server.</summary>
    public static string ServerEnable() => "dirsync server enable --inbox <dir>";

    /// <summary>Shows the server's numbers and requestors.</summary>
    public static string ServerStatus() => "dirsync server status";

    /// <summary>Registers a requestor on the server, with its password.</summary>
    public static string ServerAddRequestor(string requestor) => $"dirsync server add-requestor {Arg(requestor)} --inbox <dir> --password-file <path>";

    /// <summary>Registers a requestor that reaches the server over HTTP (no drop folder of its own).</summary>
    public static string ServerAddHttpRequestor(string requestor) => $"dirsync server add-requestor {Arg(requestor)} --password-file <path>";

    /// <summary>Sets the delete limit the server applies to a requestor's updates.</summary>
    public static string ServerRequestorDeleteLimit(string requestor) => $"dirsync server add-requestor {Arg(requestor)} --inbox <dir> --delete-limit <n>";

    /// <summary>Takes in the waiting messages again, letting them delete up to <paramref name="deletes"/> recipients.</summary>
    public static string ServerReceiveAllowingDeletes(long deletes) => $"dirsync server receive --allow-deletes {Number(deletes)}";

    /// <summary>Writes the resync snapshot.</summary>
    public static string ServerResync() => "dirsync server resync --out <file>";

    /// <summary>Forgets a requestor's numbers on the server after it reset them.</summary>
    public static string ServerResetRequestor(string requestor) => $"dirsync server reset-requestor {Arg(requestor)}";

    /// <summary>Starts this requestor's numbers again.</summary>
    public static string RequestorReset() => "dirsync requestor reset";

    /// <summary>Makes this store a requestor.</summary>
    public static string RequestorEnable() => "dirsync requestor enable --name <NET/PO> --inbox <dir> --server-inbox <dir>";

    /// <summary>Sets a requestor's password.</summary>
    public static string RequestorPassword() => "dirsync requestor enable --name <NET/PO> --inbox <dir> --server-inbox <dir> --password-file <path>";

    /// <summary>Sets the password of a requestor that reaches its server over HTTP.</summary>
    public static string RequestorHttpPassword() => "dirsync requestor enable --name <NET/PO> --server-url <url> --password-file <path>";

    /// <summary>Sets the delete limit a requestor applies to the server's updates.</summary>
    public static string RequestorDeleteLimit() => "dirsync requestor enable --name <NET/PO> --inbox <dir> --server-inbox <dir> --delete-limit <n>";

    /// <summary>Sends the whole local list.</summary>
    public static string RequestorSendFull() => "dirsync requestor send --full";

    /// <summary>Sends this requestor's T1 message.</summary>
    public static string RequestorSend() => "dirsync requestor send";

    /// <summary>Asks the server for every address list at the next send.</summary>
    public static string RequestorRequestImport() => "dirsync requestor request-import";

    /// <summary>Takes in the server's replies, letting them delete up to <paramref name="deletes"/> recipients when given.</summary>
    public static string RequestorReceive(long? deletes = null) => "dirsync requestor receive" + AllowDeletes(deletes);

    /// <summary>Applies the queued updates, letting them delete up to <paramref name="deletes"/> recipients when given.</summary>
    public static string RequestorImport(long? deletes = null) => "dirsync requestor import" + AllowDeletes(deletes);

    /// <summary>Applies a resync snapshot, letting it delete up to <paramref name="deletes"/> recipients when given.</summary>
    public static string RequestorApplyResync(string file, long? deletes = null) => $"dirsync requestor apply-resync {Arg(file)}" + AllowDeletes(deletes);

    /// <summary>Shows the event log.</summary>
    public static string Events() => "dirsync events";

    /// <summary>Runs a Dir-Sync event now.</summary>
    public static string Kick(CycleEvent @event) => $"dirsync kick {@event}";

    /// <summary>Runs a Dir-Sync event now, in this process.</summary>
    public static string KickNow(CycleEvent @event) => $"dirsync kick {@event} --now";

    /// <summary>Sets an event's schedule.</summary>
    public static string ScheduleSet(CycleEvent @event) => $"dirsync schedule set {@event} <days> <HH:MM>";

    /// <summary>Removes an event's schedule.</summary>
    public static string ScheduleRemove(CycleEvent @event) => $"dirsync schedule set {@event} none";

    /// <summary>Rebuilds the Global Address List.</summary>
    public static string GalRebuild() => "dirsync gal rebuild";

    /// <summary>A value as the shell takes it back: in double quotes when it holds a space or a quote.</summary>
    private static string Arg(string value) =>
        (value.Length > 0 && !value.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\' or '$' or '`' or ';' or '&' or '|' or '<' or '>' or '(' or ')' or '*' or '?' or '#'))
            || IsPlaceholder(value)
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("$", "\\$", StringComparison.Ordinal).Replace("`", "\\`", StringComparison.Ordinal) + "\"";

    // <file> and its like stand for what the administrator fills in, and are shown as they are.
    private static bool IsPlaceholder(string value) =>
        value.Length > 2 && value[0] == '<' && value[^1] == '>' && value.AsSpan(1, value.Length - 2).IndexOfAny('<', '>') < 0;

    private static string AllowDeletes(long? deletes) => deletes is { } n ? $" --allow-deletes {Number(n)}" : "";

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
