using DirSync.Core.Model;

namespace DirSync.Core.Storage;

/// <summary>A container and how many live recipients it holds directly.</summary>
public sealed record ContainerInfo(DirectoryPath Path, long RecipientCount);
