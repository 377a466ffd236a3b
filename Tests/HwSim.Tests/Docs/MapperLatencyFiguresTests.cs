using System.Globalization;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Evaluation;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapper;
using HwSim.Tests.Support;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Zoo;
using NUnit.Framework;

namespace HwSim.Tests.Docs;

/// <summary>
/// Simulator/README.md section 6's table of whole-network cycles under the latency objective,
/// before (the largest M block that fits only, cycles estimated without bursts) and after
/// (smaller M blocks estimated too): what <c>hwsim simulate resnet18 --wbits 4 --abits 2
/// --first-last fp32 --objective latency --arch A</c> gives, with the 45 nm prices it hands the mapper.
/// </summary>
public class MapperLatencyFiguresTests
{
    [TestCase("lowbit-default")]
    [TestCase("eyeriss-like")]
    [TestCase("bismo-like")]
    public void SectionSixTableIsTheMappersCycles(string preset)
    {
        var arch = Presets.Get(preset);
        var net = PrecisionPolicy.FromBits(4, 2, FirstLastFormat.Keep(NumberFormat.Fp32)).Apply(NetworkZoo.Get("resnet18"));
        var prices = Mappers.Prices(EnergyTable.Default, EnergyContext.At45nm(arch.Buffers));
        var policy = MappingPolicy.SearchFor(MappingObjective.Latency);
        var before = new MappingSearch(prices) { LargestMBlockOnly = true }.Evaluate(net, arch, policy);
        var after = new MappingSearch(prices).Evaluate(net, arch, policy);
        string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
        var gain = after.TotalCycles == before.TotalCycles ? ""
            : " (" + (((double)after.TotalCycles / before.TotalCycles - 1) * 100).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + " %)";
        var row = $"| {preset} ({arch.Dram.BandwidthBytesPerCycle} B/cycle) | {N(before.TotalCycles)} | {N(after.TotalCycles)}{gain} | " +
            $"{N(before.StallCycles)} -> {N(after.StallCycles)} |";
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "Simulator", "README.md"));
        Assert.That(readme, Does.Contain(row));
        Assert.That(after.TotalCycles, Is.LessThanOrEqualTo(before.TotalCycles));
    }
}
