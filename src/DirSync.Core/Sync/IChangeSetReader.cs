using System.Diagnostics.CodeAnalysis;

namespace DirSync.Core.Sync;

/// <summary>Reads a change set in one format, verifying its integrity as it goes.</summary>
/// <remarks>
/// The header is read when the reader is opened. <see cref="Read"/> returns false only after the
/// trailer has been found and verified: a truncated or edited file ends in an
/// <see cref="InputFormatException"/>, never in a quiet end of records.
/// </remarks>
public interface IChangeSetReader : IDisposable
{
    /// <summary>The format of the file.</summary>
    ChangeSetFormat Format { get; }

    /// <summary>What the change set says about itself.</summary>
    ChangeSetHeader Header { get; }

    /// <summary>Reads the next record.</summary>
    /// <exception cref="InputFormatException">The file is malformed, truncated or edited.</exception>
    bool Read([NotNullWhen(true)] out ChangeRecord? record);

    /// <summary>Reads only the next record's anchor: a pass that needs nothing else costs a fraction of <see cref="Read"/>.</summary>
    /// <remarks>The file's integrity is verified as with <see cref="Read"/>; the rest of each record is not checked.</remarks>
    /// <exception cref="InputFormatException">The file is malformed, truncated or edited, or a record has no anchor.</exception>
    bool ReadAnchor(out Guid anchor);

    /// <summary>The verified trailer; available once <see cref="Read"/> has returned false.</summary>
    ChangeSetTrailer Trailer { get; }
}
