using DirSync.Core.Formats.EdkDirSync;
using DirSync.Core.Formats.Ldif;

namespace DirSync.Core.Sync;

/// <summary>Limits a change-set reader enforces, so a hostile or broken file cannot exhaust memory.</summary>
/// <remarks>
/// The defaults are far above anything DirSync writes (its longest attribute value is about a thousand
/// characters); a file that breaks one is damaged or was not made by DirSync.
/// </remarks>
public sealed record ChangeSetReaderOptions
{
    /// <summary>The default limits.</summary>
    public static ChangeSetReaderOptions Default { get; } = new();

    /// <summary>The limits of the LDIF reader: line, value, lines and bytes per record.</summary>
    public LdifReaderOptions Ldif { get; init; } = LdifReaderOptions.Default;

    /// <summary>The limits of the EDK DIRSYNC reader: line, value, attribute lines, values per attribute and bytes per record.</summary>
    public EdkReaderOptions Edk { get; init; } = EdkReaderOptions.Default;

    /// <summary>The most comments the header may have before the first record (default 1,000; DirSync writes about 25).</summary>
    public int MaxHeaderComments { get; init; } = 1000;

    /// <summary>The most bytes of comment text the header may have before the first record (default 1 MiB).</summary>
    public int MaxHeaderBytes { get; init; } = 1024 * 1024;
}
