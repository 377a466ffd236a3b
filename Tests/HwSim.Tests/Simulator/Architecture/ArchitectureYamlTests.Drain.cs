using HwSim.Simulator.Architecture;
using HwSim.Simulator.DotProduct;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Architecture;

/// <summary>The drain key (fold pipelining, issue 13 item 5): read, defaulted, written back, refused where the hardware has no drain phase.</summary>
public sealed partial class ArchitectureYamlTests
{
    [Test]
    public void Drain_ParsesOnBitSerialXnorAndDotProduct_DefaultsToSerial_AndRoundTrips()
    {
        const string yaml = """
            version: 1
            name: pipelined
            units:
              - { name: sip, kind: bitserial, rows: 16, cols: 16, drain: overlapped }
              - { name: mvau, kind: xnor, rows: 1, cols: 4, lanes: 32, drain: Overlapped }
              - { name: nfu, kind: dotproduct, rows: 1, cols: 16, drain: serial }
              - { name: plain, kind: bitserial, rows: 2, cols: 2 }
            """;

        var arch = ArchitectureYaml.Parse(yaml, File);

        Assert.That(arch.Units.Select(u => u.Drain), Is.EqualTo(new[] { DrainMode.Overlapped, DrainMode.Overlapped, DrainMode.Serial, DrainMode.Serial }));
        Assert.That(arch.Units[0], Is.EqualTo(new BitSerialUnitSpec("sip", 16, 16, 16, SerialMode.Activations, 8) { Drain = DrainMode.Overlapped }));
        Assert.That(arch.Units[0], Is.Not.EqualTo(new BitSerialUnitSpec("sip", 16, 16, 16, SerialMode.Activations, 8)), "drain is part of the unit's identity (mapper cache keys)");
        var written = ArchitectureYaml.ToYaml(arch);
        Assert.That(written, Does.Contain("bits_per_cycle: 1, drain: overlapped }").And.Contain("max_bits: 1, drain: overlapped }").And.Contain("format: int16, drain: serial }"));
        Assert.That(ArchitectureYaml.Parse(written, File), Is.EqualTo(arch));
    }

    [Test]
    public void Drain_UnknownMode_NamesTheChoices() =>
        AssertError(Head + "units:\n  - { name: a, kind: bitserial, rows: 4, cols: 4, drain: pipelined }\n", 4, "units[0].drain",
            "unknown drain mode 'pipelined'", "serial or overlapped");

    [Test]
    public void Drain_OnASystolicUnit_IsRefusedWithTheRule() =>
        AssertError(Head + "units:\n  - { name: a, kind: bitserial, rows: 4, cols: 4 }\n  - { name: b, kind: systolic, rows: 4, cols: 4, drain: overlapped }\n", 5, "units[1].drain",
            "a systolic unit always drains serially", "double-buffered accumulators");

    [Test]
    public void Drain_OnAFusionUnit_IsRefusedWithTheRule() =>
        AssertError(Head + "units:\n  - { name: a, kind: fusion, rows: 4, cols: 4, drain: serial }\n", 4, "units[0].drain",
            "a fusion unit always drains serially");

    [Test]
    public void Drain_OverlappedOnASystolicSpec_IsRefusedInCodeToo()
    {
        var e = Assert.Throws<InputException>(() => _ = new SystolicUnitSpec("s", 4, 4, Dataflow.OutputStationary, NumberFormat.Int(8)) { Drain = DrainMode.Overlapped })!;
        Assert.That((e.Field, e.Rule), Is.EqualTo(("units[].drain", SystolicUnitSpec.NoOverlappedDrain)));
        Assert.That(new DotProductUnitSpec("d", 1, 4, 4, NumberFormat.Int(8)) { Drain = DrainMode.Overlapped }.Drain, Is.EqualTo(DrainMode.Overlapped));
    }
}
