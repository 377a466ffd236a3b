using HwSim.Simulator.Architecture;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Architecture;

/// <summary>The bit-serial fc_mode key in files: read, written only when not the default, refused with skip.</summary>
public sealed partial class ArchitectureYamlTests
{
    [Test]
    public void FcMode_ParsesToTheSpec_AndIsWrittenOnlyWhenMultiplex()
    {
        const string yaml = """
            version: 1
            name: fc
            units:
              - { name: sip, kind: bitserial, rows: 16, cols: 16, fc_mode: Multiplex }
              - { name: str, kind: bitserial, rows: 2, cols: 2, fc_mode: windows }
            """;

        var arch = ArchitectureYaml.Parse(yaml, File);

        Assert.That(arch.Units, Is.EqualTo(new UnitSpec[]
        {
            new BitSerialUnitSpec("sip", 16, 16, 16, SerialMode.Activations, 8) { FcMode = FcMode.Multiplex },
            new BitSerialUnitSpec("str", 2, 2, 16, SerialMode.Activations, 8),
        }));
        var written = ArchitectureYaml.ToYaml(arch);
        Assert.That(ArchitectureYaml.Parse(written, File), Is.EqualTo(arch));
        Assert.That(written, Does.Contain("bits_per_cycle: 1, drain: serial, fc_mode: multiplex }")
            .And.Contain("{ name: str, kind: bitserial, rows: 2, cols: 2, lanes: 16, serial: activations, max_bits: 8, bits_per_cycle: 1, drain: serial }"));
    }

    [Test]
    public void FcMode_MultiplexWithSkip_ReportsTheRule() =>
        AssertError(Head + "units:\n  - { name: a, kind: bitserial, rows: 4, cols: 4, skip: dynamic_precision, fc_mode: multiplex }\n", 4, "units[0].fc_mode",
            "fc_mode: multiplex", "needs skip: none");

    [Test]
    public void FcMode_UnknownMode() =>
        AssertError(Head + "units:\n  - { name: a, kind: bitserial, rows: 4, cols: 4, fc_mode: linear }\n", 4, "units[0].fc_mode",
            "unknown fully connected mode 'linear' (expected windows or multiplex)");
}
