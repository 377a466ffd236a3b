using HwSim.Simulator.Architecture;
using HwSim.Workloads;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Architecture;

/// <summary>Every bad file is one InputException naming the file, the line, the YAML path and the rule.</summary>
public sealed partial class ArchitectureYamlTests
{
    private const string Head = "version: 1\nname: x\n";

    private static InputException AssertError(string yaml, int line, string? field, params string[] ruleParts)
    {
        var e = Assert.Throws<InputException>(() => ArchitectureYaml.Parse(yaml, File))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e.File, Is.EqualTo(File), e.Message);
            Assert.That(e.Location, Is.EqualTo($"line {line}"), e.Message);
            Assert.That(e.Field, Is.EqualTo(field), e.Message);
            foreach (var part in ruleParts)
                Assert.That(e.Rule, Does.Contain(part), e.Message);
            Assert.That(e.Message, Does.StartWith($"{File}, line {line}"));
        }
        return e;
    }

    [Test]
    public void UnknownKey_InAUnit_ListsTheAllowedKeys() =>
        AssertError(Head + "units:\n  - { name: a, kind: bitserial, rows: 4, cols: 4 }\n  - { name: b, kind: systolic, rows: 8, colz: 8 }\n",
            5, "units[1].colz", "unknown key 'colz' for a systolic unit", "allowed: name, kind, rows, cols, dataflow, format, scalesim_compat");

    [Test]
    public void UnknownKey_AtTheTopLevel() =>
        AssertError(Head + "clock_mhs: 400\nunits: []\n", 3, "clock_mhs", "unknown key 'clock_mhs' at the top level", "clock_mhz");

    [Test]
    public void KeyOfAnotherKind_IsUnknownForThisKind() =>
        AssertError(Head + "units:\n  - { name: a, kind: systolic, rows: 4, cols: 4, lanes: 16 }\n", 4, "units[0].lanes", "unknown key 'lanes' for a systolic unit");

    [Test]
    public void UnknownKey_InBuffers() =>
        AssertError(Head + "buffers:\n  ifmap_kb: 64\n  weights_kb: 64\nunits: []\n", 5, "buffers.weights_kb", "unknown key 'weights_kb' in buffers", "weight_kb");

    [Test]
    public void NotAWholeNumber() =>
        AssertError(Head + "units:\n  - { name: a, kind: xnor, rows: abc, cols: 4 }\n", 4, "units[0].rows", "'abc' is not a whole number");

    [Test]
    public void FractionalRows_AreNotAWholeNumber() =>
        AssertError(Head + "units:\n  - name: a\n    kind: xnor\n    rows: 2\n    cols: 2.5\n", 7, "units[0].cols", "'2.5' is not a whole number");

    [Test]
    public void NotANumber() =>
        AssertError(Head + "clock_mhz: fast\n", 3, "clock_mhz", "'fast' is not a number");

    [Test]
    public void NegativeRows_ReportTheSpecsRuleAtTheYamlPath() =>
        AssertError(Head + "units:\n  - { name: a, kind: xnor, rows: 1, cols: 4 }\n  - name: b\n    kind: bitserial\n    rows: -4\n    cols: 4\n",
            7, "units[1].rows", "must be 1 to 65536, got -4");

    [Test]
    public void ZeroClock_ReportsTheSpecsRule() =>
        AssertError(Head + "clock_mhz: 0\nunits: [{ name: a, kind: xnor, rows: 1, cols: 1 }]\n", 3, "clock_mhz", "must be 0.001 to 100,000 MHz (1 kHz to 100 GHz), got 0");

    [Test]
    public void WordBits_ReportsTheSpecsRuleInBuffers() =>
        AssertError(Head + "buffers: { word_bits: 12 }\nunits: [{ name: a, kind: xnor, rows: 1, cols: 1 }]\n", 3, "buffers.word_bits", "multiple of 8", "got 12");

    [Test]
    public void NegativeBuffer_ReportsTheSpecsRule() =>
        AssertError(Head + "buffers:\n  ofmap_kb: -1\nunits: [{ name: a, kind: xnor, rows: 1, cols: 1 }]\n", 4, "buffers.ofmap_kb", "must be at least 2 bytes");

    [Test]
    public void BufferOfPartialBytes() =>
        AssertError(Head + "buffers: { ifmap_kb: 0.3 }\n", 3, "buffers.ifmap_kb", "0.3 KiB is not a whole number of bytes");

    [Test]
    public void UnknownKind() =>
        AssertError(Head + "units:\n  - { name: a, kind: tensor, rows: 4, cols: 4 }\n", 4, "units[0].kind", $"unknown unit kind 'tensor' (expected {HwSim.Simulator.Units.UnitValues.OneOf(HwSim.Simulator.Units.UnitKinds.Names)})");

    [Test]
    public void UnknownDataflow() =>
        AssertError(Head + "units:\n  - { name: a, kind: systolic, rows: 4, cols: 4, dataflow: rs }\n", 4, "units[0].dataflow", "unknown dataflow 'rs' (expected os, ws or is)");

    [Test]
    public void UnknownSerialMode() =>
        AssertError(Head + "units:\n  - { name: a, kind: bitserial, rows: 4, cols: 4, serial: weights }\n", 4, "units[0].serial", "unknown serial mode 'weights' (expected activations or both)");

    [Test]
    public void UnknownFormat() =>
        AssertError(Head + "units:\n  - { name: a, kind: systolic, rows: 4, cols: 4, format: fp64 }\n", 4, "units[0].format", "unknown number format 'fp64'");

    [Test]
    public void FormatASystolicUnitCannotBeBuiltFor() =>
        AssertError(Head + "units:\n  - { name: a, kind: systolic, rows: 4, cols: 4, format: uint8 }\n", 4, "units[0].format", "a systolic unit is built for intB, fp16, bf16 or fp32");

    [Test]
    public void NotABoolean() =>
        AssertError(Head + "units:\n  - { name: a, kind: systolic, rows: 4, cols: 4, scalesim_compat: maybe }\n", 4, "units[0].scalesim_compat", "'maybe' is not true or false");

    [Test]
    public void MissingVersion() =>
        AssertError("name: x\nunits: []\n", 1, "version", "missing required key 'version'", "reads version 1");

    [Test]
    public void Version2() =>
        AssertError("version: 2\nname: x\nfuture_key: 1\n", 1, "version", "unsupported version 2 (this HwSim reads version 1)");

    [Test]
    public void MissingName() =>
        AssertError("version: 1\nunits: []\n", 1, "name", "missing required key 'name'");

    [Test]
    public void MissingUnits() =>
        AssertError(Head, 1, "units", "missing required key 'units'");

    [Test]
    public void EmptyUnits_ReportTheSpecsRule() =>
        AssertError(Head + "units: []\n", 3, "units", "at least one unit");

    [Test]
    public void MissingRows() =>
        AssertError(Head + "units:\n  - { name: a, kind: xnor, cols: 4 }\n", 4, "units[0].rows", "missing required key 'rows'");

    [Test]
    public void KeyWithoutValue() =>
        AssertError(Head + "clock_mhz:\nunits: []\n", 3, "clock_mhz", "has no value");

    [Test]
    public void UnitThatIsNotAMapping() =>
        AssertError(Head + "units:\n  - bitserial\n", 4, "units[0]", "must be a mapping");

    [Test]
    public void UnitsThatAreNotAList() =>
        AssertError(Head + "units: { name: a }\n", 3, "units", "must be a list");

    [Test]
    public void ListWhereANumberBelongs() =>
        AssertError(Head + "clock_mhz: [1, 2]\n", 3, "clock_mhz", "must be a single value, not a list");

    [Test]
    public void DuplicateUnitNames_NameBothLines() =>
        AssertError(Head + "units:\n  - { name: a, kind: xnor, rows: 1, cols: 4 }\n  - { name: a, kind: bitserial, rows: 2, cols: 2 }\n",
            5, "units[1].name", "unit name 'a' is already used by units[0] (line 4)");

    [Test]
    public void UnlimitedBandwidth_IsAccepted_AnyOtherWordIsNot()
    {
        var arch = ArchitectureYaml.Parse(Head + "dram: { bandwidth_bytes_per_cycle: Unlimited }\nunits: [{ name: a, kind: xnor, rows: 1, cols: 1 }]\n", File);
        Assert.That(arch.Dram, Is.EqualTo(DramSpec.Unlimited));

        AssertError(Head + "dram: { bandwidth_bytes_per_cycle: fast }\n", 3, "dram.bandwidth_bytes_per_cycle", "'fast' is not a whole number of bytes per cycle or 'unlimited'");
    }

    [Test]
    public void DramType_IsRead_AndAnUnknownOneNamesTheAllowedTypes()
    {
        var arch = ArchitectureYaml.Parse(Head + "dram: { type: HBM2, bandwidth_bytes_per_cycle: unlimited }\nunits: [{ name: a, kind: xnor, rows: 1, cols: 1 }]\n", File);
        Assert.That((arch.Dram.Type, arch.Dram.IsUnlimited), Is.EqualTo((DramKind.Hbm2, true)));
        Assert.That(ArchitectureYaml.Parse(Head + "dram: { bandwidth_bytes_per_cycle: 8 }\nunits: [{ name: a, kind: xnor, rows: 1, cols: 1 }]\n", File).Dram.Type,
            Is.EqualTo(DramKind.Lpddr4), "the default type");

        AssertError(Head + "dram: { type: ddr5 }\nunits: [{ name: a, kind: xnor, rows: 1, cols: 1 }]\n", 3, "dram.type",
            "unknown DRAM type 'ddr5' (allowed: lpddr4, lpddr, ddr3, ddr4, gddr5, hbm2, hmc)");
    }

    [Test]
    public void ZeroBandwidth_ReportsTheSpecsRule() =>
        AssertError(Head + "dram:\n  bandwidth_bytes_per_cycle: 0\nunits: [{ name: a, kind: xnor, rows: 1, cols: 1 }]\n",
            4, "dram.bandwidth_bytes_per_cycle", "must be at least 1 byte per cycle or 'unlimited', got 0");

    [Test]
    public void MalformedYaml_SaysSoWithTheLine()
    {
        var e = AssertError(Head + "units:\n  - { name: a, kind: xnor\n  - { name: b }\n", 5, null, "not valid YAML");
        Assert.That(e.Rule, Does.Not.Contain("Idx:"), "YamlDotNet's position prefix is replaced by our 'line N'");
    }

    [Test]
    public void BadIndentation_IsNotValidYaml() =>
        AssertError(Head + "buffers:\n  ifmap_kb: 1\n weight_kb: 2\n", 5, null, "not valid YAML");

    [Test]
    public void DuplicateKey_IsNotValidYaml() =>
        AssertError(Head + "clock_mhz: 100\nclock_mhz: 200\n", 4, null, "not valid YAML", "uplicate key");

    [Test]
    public void NotAMapping_AtTheTop() =>
        AssertError("- version: 1\n", 1, null, "must be a mapping of keys to values");

    [Test]
    public void EmptyFile()
    {
        var e = Assert.Throws<InputException>(() => ArchitectureYaml.Parse("# nothing\n", File))!;
        Assert.That(e.Message, Does.StartWith(File).And.Contain("the file is empty"));
    }

    [Test]
    public void MissingFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hwsim-missing-{Guid.NewGuid():N}", "arch.yaml");
        var e = Assert.Throws<InputException>(() => ArchitectureYaml.Load(path))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e.File, Is.EqualTo(path));
            Assert.That(e.Rule, Is.EqualTo("file not found"));
        }
    }
}
