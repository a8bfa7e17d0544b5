namespace DirSync.Tests.Fuzz;

/// <summary>What a fuzz run saw.</summary>
/// <param name="Cases">Cases judged.</param>
/// <param name="Parsed">Cases that read without an error.</param>
/// <param name="FormatErrors">Cases refused with a proper format error.</param>
/// <param name="Kinds">Distinct reasons among the format errors, numbers and quoted text aside.</param>
/// <param name="Failure">The first broken contract, with its seed and how to rerun it; null when none broke.</param>
/// <param name="Summary">One paragraph for the test output.</param>
internal sealed record FuzzReport(int Cases, int Parsed, int FormatErrors, int Kinds, string? Failure, string Summary);
