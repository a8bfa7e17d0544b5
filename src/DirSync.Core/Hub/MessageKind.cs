namespace DirSync.Core.Hub;

/// <summary>The kinds of Dir-Sync message.</summary>
public enum MessageKind
{
    /// <summary>A requestor's updates and status to the server (T1; the original's ReqTx).</summary>
    RequestorUpdate,

    /// <summary>The server's reply with the updates a requestor lacks (T2; the original's SrvTx).</summary>
    ServerReply,

    /// <summary>The server's full lists and numbers after a restore from backup (the original's RESYNC.GLB).</summary>
    Resync,
}
