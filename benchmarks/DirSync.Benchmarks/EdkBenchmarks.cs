using BenchmarkDotNet.Attributes;
using DirSync.Benchmarks.Data;
using DirSync.Core.Formats.EdkDirSync;

namespace DirSync.Benchmarks;

/// <summary>The raw EDK DIRSYNC text writer and reader (records only, no change-set header or checksum).</summary>
[MemoryDiagnoser]
public class EdkBenchmarks
{
    private EdkRecord[] _records = [];
    private byte[] _file = [];

    [Params(10_000)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _records = Samples.EdkRecords(Records);
        using var buffer = new MemoryStream();
        using (var writer = new EdkWriter(buffer))
        {
            foreach (var record in _records)
            {
                writer.WriteRecord(record);
            }
        }

        _file = buffer.ToArray();
    }

    [Benchmark]
    public long Write()
    {
        using var writer = new EdkWriter(Stream.Null);
        foreach (var record in _records)
        {
            writer.WriteRecord(record);
        }

        writer.Flush();
        return writer.BytesWritten;
    }

    [Benchmark]
    public int Read()
    {
        using var reader = new EdkReader(new MemoryStream(_file, writable: false), "bench.dirsync");
        var count = 0;
        while (reader.Read())
        {
            if (reader.ItemKind == EdkItemKind.Record)
            {
                count += reader.Record.Attributes.Count;
            }
        }

        return count;
    }
}
