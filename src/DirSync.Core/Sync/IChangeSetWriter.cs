namespace DirSync.Core.Sync;

/// <summary>Writes a change set in one format: header first, then records, then the integrity trailer.</summary>
public interface IChangeSetWriter : IDisposable
{
    /// <summary>Writes one record.</summary>
    void Write(ChangeRecord record);

    /// <summary>Writes the trailer (record count and checksum of every byte before it) and flushes.</summary>
    /// <param name="prove">Makes a proof from the checksum (hub messages sign with the requestor's key); null for none.</param>
    ChangeSetTrailer Complete(Func<string, string>? prove = null);
}
