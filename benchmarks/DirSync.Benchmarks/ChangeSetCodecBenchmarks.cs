using BenchmarkDotNet.Attributes;
using DirSync.Benchmarks.Data;
using DirSync.Core.Sync;

namespace DirSync.Benchmarks;

/// <summary>Whole change sets through <see cref="ChangeSetCodecs"/>: the records an export writes and an import reads, with header, checksum and trailer.</summary>
[MemoryDiagnoser]
public class ChangeSetCodecBenchmarks
{
    private ChangeRecord[] _records = [];
    private byte[] _file = [];

    [Params(ChangeSetFormat.Ldif, ChangeSetFormat.Edk)]
    public ChangeSetFormat Format { get; set; }

    [Params(10_000)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _records = Samples.AddRecords(Records);
        using var buffer = new MemoryStream();
        using (var writer = ChangeSetCodecs.Default.CreateWriter(Format, buffer, Samples.Header()))
        {
            foreach (var record in _records)
            {
                writer.Write(record);
            }

            writer.Complete();
        }

        _file = buffer.ToArray();
    }

    [Benchmark]
    public long Write()
    {
        using var writer = ChangeSetCodecs.Default.CreateWriter(Format, Stream.Null, Samples.Header());
        foreach (var record in _records)
        {
            writer.Write(record);
        }

        return writer.Complete().Records;
    }

    [Benchmark]
    public int Read()
    {
        using var reader = ChangeSetCodecs.Default.OpenReader(new MemoryStream(_file, writable: false), "bench");
        var count = 0;
        while (reader.Read(out var record))
        {
            count += record.Attributes.Count;
        }

        return count;
    }
}
