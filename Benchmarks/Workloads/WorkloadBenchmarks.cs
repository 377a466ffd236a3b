using BenchmarkDotNet.Attributes;
using HwSim.Workloads;
using HwSim.Workloads.Import.Csv;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Zoo;

namespace HwSim.Benchmarks.Workloads;

/// <summary>
/// The workload side of every verb: building zoo networks, applying a precision policy and the
/// CSV round trip. Sweeps load workloads thousands of times, so these must stay in microseconds.
/// </summary>
[MemoryDiagnoser]
public class WorkloadBenchmarks
{
    private Workload _resnet50 = null!;
    private string _resnet50Csv = "";
    private readonly PrecisionPolicy _w4a2 = PrecisionPolicy.FromBits(4, 2, FirstLastFormat.Keep(HwSim.Workloads.Formats.NumberFormat.Fp32));

    [GlobalSetup]
    public void Setup()
    {
        _resnet50 = NetworkZoo.Get("resnet50");
        var text = new StringWriter();
        WorkloadCsv.Write(_resnet50, text);
        _resnet50Csv = text.ToString();
    }

    [Benchmark(Description = "zoo: build all 8 networks")]
    public int BuildZoo() => NetworkZoo.Names.Sum(n => NetworkZoo.Get(n).Layers.Length);

    [Benchmark(Description = "policy W4A2 fp32 first/last on resnet50")]
    public long ApplyPolicy() => _w4a2.Apply(_resnet50).BitOperations;

    [Benchmark(Description = "workload CSV write, resnet50")]
    public int WriteCsv()
    {
        var text = new StringWriter();
        WorkloadCsv.Write(_resnet50, text);
        return text.GetStringBuilder().Length;
    }

    [Benchmark(Description = "workload CSV read, resnet50")]
    public int ReadCsv() => WorkloadCsv.Read(new StringReader(_resnet50Csv), "bench.csv", "bench").Layers.Length;
}
