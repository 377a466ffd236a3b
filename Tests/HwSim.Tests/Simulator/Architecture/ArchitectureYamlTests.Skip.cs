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
            "unknown skip mode 'zeros' (expected none, zero_bits, dynamic_precision or zero_operands)");

    [Test]
    public void Skip_ZeroOperands_OnASystolicUnit_ParsesAndIsWrittenOnlyWhenOn()
    {
        const string yaml = """
            version: 1
            name: gated
            units:
              - { name: pe, kind: systolic, rows: 12, cols: 14, dataflow: ws, format: int16, skip: zero_operands }
              - { name: plain, kind: systolic, rows: 2, cols: 2, skip: none }
            """;

        var arch = ArchitectureYaml.Parse(yaml, File);

        Assert.That(arch.Units, Is.EqualTo(new UnitSpec[]
        {
            new SystolicUnitSpec("pe", 12, 14, Dataflow.WeightStationary, HwSim.Workloads.Formats.NumberFormat.Int(16)) { Skip = SkipMode.ZeroOperands },
            new SystolicUnitSpec("plain", 2, 2, Dataflow.OutputStationary, HwSim.Workloads.Formats.NumberFormat.Int(8)),
        }));
        var written = ArchitectureYaml.ToYaml(arch);
        Assert.That(ArchitectureYaml.Parse(written, File), Is.EqualTo(arch));
        Assert.That(written, Does.Contain("scalesim_compat: false, skip: zero_operands }")
            .And.Contain("{ name: plain, kind: systolic, rows: 2, cols: 2, dataflow: os, format: int8, scalesim_compat: false }"));
    }

    // A systolic PE takes a whole operand per cycle: the bit-serial timing modes are refused with that rule.
    [TestCase("zero_bits")]
    [TestCase("dynamic_precision")]
    public void Skip_BitSerialTimingOnASystolicUnit_ReportsTheRule(string mode) =>
        AssertError(Head + $"units:\n  - {{ name: a, kind: systolic, rows: 4, cols: 4, skip: {mode} }}\n", 4, "units[0].skip",
            "a systolic unit takes skip: none or zero_operands", "a bit-parallel PE takes a whole operand per cycle");

    [Test]
    public void Skip_ZeroOperandsOnABitSerialUnit_ReportsTheRule() =>
        AssertError(Head + "units:\n  - { name: a, kind: bitserial, rows: 4, cols: 4, skip: zero_operands }\n", 4, "units[0].skip",
            "skip: zero_operands gates a bit-parallel MAC on a zero input", "zero_bits already spends nothing on a zero activation");

    [Test]
    public void Skip_ZeroOperands_OnADotProductUnit_ParsesAndIsWrittenOnlyWhenOn()
    {
        var arch = ArchitectureYaml.Parse(Head + "units:\n  - { name: nfu, kind: dotproduct, rows: 16, cols: 1, skip: zero_operands }\n  - { name: d, kind: dotproduct, rows: 2, cols: 2 }\n", File);
        Assert.That(arch.Units[0], Is.EqualTo(new HwSim.Simulator.DotProduct.DotProductUnitSpec("nfu", 16, 1, 16, HwSim.Workloads.Formats.NumberFormat.Int(16)) { Skip = SkipMode.ZeroOperands }));
        var written = ArchitectureYaml.ToYaml(arch);
        Assert.That(ArchitectureYaml.Parse(written, File), Is.EqualTo(arch));
        Assert.That(written, Does.Contain("drain: serial, skip: zero_operands }").And.Contain("{ name: d, kind: dotproduct, rows: 2, cols: 2, lanes: 16, format: int16, drain: serial }"));
    }

    [Test]
    public void Skip_BitSerialTimingOnADotProductUnit_ReportsTheRule() =>
        AssertError(Head + "units:\n  - { name: a, kind: dotproduct, rows: 4, cols: 4, skip: zero_bits }\n", 4, "units[0].skip",
            "a dotproduct unit takes skip: none or zero_operands");

    // Zero-operand gating is modelled on systolic and dotproduct units (Simulator/README.md §8); the other kinds have no skip key.
    [TestCase("fusion")]
    [TestCase("xnor")]
    public void Skip_IsNotAKeyOfOtherKinds(string kind) =>
        AssertError(Head + $"units:\n  - {{ name: a, kind: {kind}, rows: 4, cols: 4, skip: zero_bits }}\n", 4, "units[0].skip", $"unknown key 'skip' for a {kind} unit");
}
