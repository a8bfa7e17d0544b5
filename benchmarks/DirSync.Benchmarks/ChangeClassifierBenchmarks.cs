using BenchmarkDotNet.Attributes;
using DirSync.Benchmarks.Data;
using DirSync.Core.Model;
using DirSync.Core.Sync;

namespace DirSync.Benchmarks;

/// <summary>An incremental export's work per changed object: classify it against the watermark, then map it to its record.</summary>
[MemoryDiagnoser]
public class ChangeClassifierBenchmarks
{
    private const int Count = 10_000;
    private const long Watermark = Count / 2;

    private DirectoryObject[] _changed = [];

    [GlobalSetup]
    public void Setup()
    {
        // Half made before the watermark, half after; one in ten of each deleted: adds, modifies, deletes and passes.
        _changed = Samples.Mailboxes(Count);
        for (var i = 0; i < _changed.Length; i++)
        {
            _changed[i].UsnCreated = i + 1;
            _changed[i].UsnChanged = Watermark + i + 1;
            _changed[i].IsDeleted = i % 10 == 0;
        }
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int Classify()
    {
        var sum = 0;
        foreach (var value in _changed)
        {
            sum += ChangeClassifier.Classify(value, Watermark) is { } kind ? (int)kind + 1 : 0;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int ClassifyAndMap()
    {
        var sum = 0;
        foreach (var value in _changed)
        {
            if (ChangeClassifier.Classify(value, Watermark) is { } kind)
            {
                sum += Exporter.ToRecord(value, kind, InstanceSettings.DefaultExportAttributes).Attributes.Count;
            }
        }

        return sum;
    }
}
