namespace DirSync.Core.Hub;

/// <summary>The hub's HTTP protocol: the paths, headers and media types a requestor and <c>dirsync serve</c> share (see docs/hub.md).</summary>
public static class HubHttp
{
    /// <summary>POST: a single-use nonce for the next signed request.</summary>
    public const string ChallengePath = "/hub/challenge";

    /// <summary>POST: a requestor's T1 message, signed; the server puts it in its inbox for <c>server receive</c>.</summary>
    public const string MessagesPath = "/hub/messages";

    /// <summary>GET: the names of the replies waiting for the signing requestor; GET <c>/hub/replies/{name}</c> one of them; POST <c>/hub/replies/{name}/ack</c> acknowledges it.</summary>
    public const string RepliesPath = "/hub/replies";

    /// <summary>The authorization scheme of a signed request.</summary>
    public const string Scheme = "DirSync-HMAC";

    /// <summary>The media type of a message body.</summary>
    public const string MessageMediaType = "application/vnd.dirsync.message";

    /// <summary>How long a nonce stays valid after it was handed out.</summary>
    public static readonly TimeSpan NonceLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The path of one waiting reply.</summary>
    public static string ReplyPath(string name) => $"{RepliesPath}/{Uri.EscapeDataString(name)}";

    /// <summary>The path that acknowledges one reply.</summary>
    public static string AcknowledgePath(string name) => $"{ReplyPath(name)}/ack";
}
