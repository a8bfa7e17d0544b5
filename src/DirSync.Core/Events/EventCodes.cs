namespace DirSync.Core.Events;

/// <summary>The numbered event codes, modelled on the original Dir-Sync's and the Exchange connector's.</summary>
public static class EventCodes
{
    /// <summary>Updates received (ReqRx / SrvRx).</summary>
    public const int Received = 105;

    /// <summary>Updates sent (ReqTx / SrvTx).</summary>
    public const int Sent = 106;

    /// <summary>A message is not a valid Dir-Sync message.</summary>
    public const int InvalidFormat = 124;

    /// <summary>A requestor's message numbers its transactions out of sequence: its last number does not follow from its first and its
    /// record count, or it starts further beyond what was taken in than a restored server or a resync explains (the original's
    /// "could not find specified sync number"). It is set aside, nothing of it applied.</summary>
    public const int TransactionsOutOfSequence = 129;

    /// <summary>A requestor's updates were purged from the master log before it received them (Keep Updates).</summary>
    public const int MissingTransactions = 138;

    /// <summary>A requestor reports more than the master log holds: the server was restored from an older copy.</summary>
    public const int SyncNumberBeyondLog = 139;

    /// <summary>A message is addressed to another postoffice (or came from another server).</summary>
    public const int NotAddressedHere = 154;

    /// <summary>A message's proof does not match the requestor's password.</summary>
    public const int BadPassword = 156;

    /// <summary>A message comes from a requestor the server does not know.</summary>
    public const int NotRegistered = 158;

    /// <summary>A transaction tried to change an entry another postoffice owns.</summary>
    public const int NotOwner = 160;

    /// <summary>The same message arrived twice.</summary>
    public const int Replayed = 161;

    /// <summary>An import or hub apply was stopped because it would delete too much.</summary>
    public const int DeletesBlocked = 170;

    /// <summary>The dir-sync server role moved from one postoffice's store to another's (<c>server take-over</c>); logged on both.</summary>
    public const int ServerHandedOver = 180;

    /// <summary>The GAL was rebuilt.</summary>
    public const int GalRebuilt = 200;

    /// <summary>Received updates were imported into the address lists.</summary>
    public const int Imported = 300;

    /// <summary>One record of a change set applied (an add, change, delete, or a refusal), logged at the maximum level only.</summary>
    public const int ChangeApplied = 301;

    /// <summary>A scheduled event ran.</summary>
    public const int ScheduleRan = 310;

    /// <summary>A scheduled event failed.</summary>
    public const int ScheduleFailed = 311;

    /// <summary>A scheduled event's run window passed without it starting (no daemon ran it in time); it waits for its next time.</summary>
    public const int ScheduleMissed = 312;

    /// <summary>An instance exported a change set (<c>dirsync run</c>).</summary>
    public const int InstanceExported = 320;

    /// <summary>An instance imported a change set (<c>dirsync run</c>).</summary>
    public const int InstanceImported = 321;

    /// <summary>An instance's run failed; nothing of the failed half was applied.</summary>
    public const int InstanceRunFailed = 322;

    /// <summary>A Dir-Sync message was sent (Exchange's 4395).</summary>
    public const int MessageSent = 4395;

    /// <summary>A Dir-Sync message was received (Exchange's 4355).</summary>
    public const int MessageReceived = 4355;
}
