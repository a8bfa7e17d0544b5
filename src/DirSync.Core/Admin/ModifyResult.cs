using DirSync.Core.Model;

namespace DirSync.Core.Admin;

/// <summary>The outcome of a modification: the recipient as it now is, and whether anything was written.</summary>
public sealed record ModifyResult(DirectoryObject Value, bool Changed);
