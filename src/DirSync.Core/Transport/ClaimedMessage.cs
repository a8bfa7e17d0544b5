namespace DirSync.Core.Transport;

/// <summary>A message a receiver has claimed from its drop folder.</summary>
/// <param name="Name">The message's file name.</param>
/// <param name="Path">Where the claimed file is now.</param>
public sealed record ClaimedMessage(string Name, string Path);
