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

    /// <summary>The verified trailer; available once <see cref="Read"/> has returned false.</summary>
    ChangeSetTrailer Trailer { get; }
}
