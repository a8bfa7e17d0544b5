namespace DirSync.Core.Transport;

/// <summary>A message a receiver has claimed from its drop folder.</summary>
/// <param name="Name">The message's file name.</param>
/// <param name="Path">Where the claimed file is now.</param>
/// <param name="Leftover">True when an earlier run claimed it and stopped before removing it.</param>
public sealed record ClaimedMessage(string Name, string Path, bool Leftover = false);
