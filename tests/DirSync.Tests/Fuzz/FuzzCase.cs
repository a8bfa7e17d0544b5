namespace DirSync.Tests.Fuzz;

/// <summary>One fuzz input: the bytes a reader is given, under what name, how they were made, and how to read them.</summary>
/// <param name="Name">The name the reader is given; every format error must carry exactly this name.</param>
/// <param name="Input">The mutated bytes.</param>
/// <param name="Mutations">What was done to the valid file, one line per operator, and how it is read.</param>
/// <param name="MemoryBound">The most bytes reading the input may allocate, derived from its size and the limits in force.</param>
/// <param name="Read">Reads the input through to its end; everything it allocates counts against the bound.</param>
internal sealed record FuzzCase(string Name, byte[] Input, IReadOnlyList<string> Mutations, long MemoryBound, Action Read);
