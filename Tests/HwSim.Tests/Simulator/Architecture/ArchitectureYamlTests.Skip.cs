using HwSim.Simulator.Architecture;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Architecture;

/// <summary>The bit-serial skip key in files: read, written only when on, refused with the rule where the datapath cannot do it or the kind has no such key.</summary>
public sealed partial class ArchitectureYamlTests
{
    [Test]
    public void Skip_ParsesToTheSpec_AndIsWrittenOnlyWhenOn()
    {
        const string yaml = """
            version: 1
            name: pra
            units:
              - { name: pra, kind: bitserial, rows: 16, cols: 16, skip: zero_bits }
              - { name: dstr, kind: bitserial, rows: 2, cols: 2, serial: both, bits_per_cycle: 2, skip: Dynamic_Precision }
              - { name: str, kind: bitserial, rows: 2, cols: 2, skip: none }
            """;

        var arch = ArchitectureYaml.Parse(yaml, File);

        Assert.That(arch.Units, Is.EqualTo(new UnitSpec[]
        {
            new BitSerialUnitSpec("pra", 16, 16, 16, SerialMode.Activations, 8, skip: SkipMode.ZeroBits),
            new BitSerialUnitSpec("dstr", 2, 2, 16, SerialMode.Both, 8, 2, SkipMode.DynamicPrecision),
            new BitSerialUnitSpec("str", 2, 2, 16, SerialMode.Activations, 8),
        }));
        var written = ArchitectureYaml.ToYaml(arch);
        Assert.That(ArchitectureYaml.Parse(written, File), Is.EqualTo(arch));
        Assert.That(written, Does.Contain("bits_per_cycle: 1, drain: serial, skip: zero_bits }").And.Contain("bits_per_cycle: 2, drain: serial, skip: dynamic_precision }")
            .And.Contain("{ name: str, kind: bitserial, rows: 2, cols: 2, lanes: 16, serial: activations, max_bits: 8, bits_per_cycle: 1, drain: serial }"));
    }

    [Test]
    public void Skip_ZeroBitsWithBothSerial_ReportsTheRule() =>
        AssertError(Head + "units:\n  - { name: a, kind: bitserial, rows: 4, cols: 4, serial: both, skip: zero_bits }\n", 4, "units[0].skip",
            "skip: zero_bits", "needs serial: activations and bits_per_cycle: 1");

    [Test]
    public void Skip_UnknownMode() =>
        AssertError(Head + "units:\n  - { name: a, kind: bitserial, rows: 4, cols: 4, skip: zeros }\n", 4, "units[0].skip",
            "unknown skip mode 'zeros' (expected none, zero_bits or dynamic_precision)");

    // Zero-operand gating (Eyeriss) saves energy, not cycles, on bit-parallel kinds; HwSim does not model it, so no other kind has the key.
    [TestCase("systolic")]
    [TestCase("dotproduct")]
    [TestCase("fusion")]
    [TestCase("xnor")]
    public void Skip_IsNotAKeyOfOtherKinds(string kind) =>
        AssertError(Head + $"units:\n  - {{ name: a, kind: {kind}, rows: 4, cols: 4, skip: zero_bits }}\n", 4, "units[0].skip", $"unknown key 'skip' for a {kind} unit");
}
