namespace DirSync.Core.Storage;

/// <summary>An instance as a store keeps it: its name and the JSON text of its settings and state, which the sync engine writes and reads.</summary>
/// <param name="Name">The instance's name, unique in the store (case-insensitive).</param>
/// <param name="Settings">Its settings, as JSON text.</param>
/// <param name="State">Its state, as JSON text.</param>
public sealed record StoredInstance(string Name, string Settings, string State);
