using HwSim.Simulator.Architecture;
using HwSim.Workloads.Formats;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Architecture;

/// <summary>Architecture files that are valid: the schema's example, defaults, and ToYaml round trips.</summary>
[TestFixture]
public sealed partial class ArchitectureYamlTests
{
    private const string File = "arch.yaml";

    private const string Example = """
        version: 1                      # required, must be 1
        name: bitserial-16x16           # required
        clock_mhz: 500
        dram: { bandwidth_bytes_per_cycle: 16 }
        buffers: { ifmap_kb: 256, weight_kb: 256, ofmap_kb: 128, word_bits: 64 }
        units:
          - { name: lowbit, kind: bitserial, rows: 16, cols: 16, lanes: 16, serial: activations, max_bits: 8 }
          - { name: fp, kind: systolic, rows: 8, cols: 8, dataflow: os, format: fp32, scalesim_compat: false }
          - { name: bin, kind: xnor, rows: 16, cols: 16, lanes: 64, max_bits: 4 }
        """;

    [Test]
    public void Example_ParsesToTheSpecItDescribes()
    {
        var expected = new ArchitectureSpec("bitserial-16x16", 500, new DramSpec(16), new BufferSpec(256 * 1024, 256 * 1024, 128 * 1024, 64),
        [
            new BitSerialUnitSpec("lowbit", 16, 16, 16, SerialMode.Activations, 8),
            new SystolicUnitSpec("fp", 8, 8, Dataflow.OutputStationary, NumberFormat.Fp32, scaleSimCompat: false),
            new XnorUnitSpec("bin", 16, 16, 64, 4),
        ]);

        Assert.That(ArchitectureYaml.Parse(Example, File), Is.EqualTo(expected));
    }

    [Test]
    public void OmittedKeys_TakeTheDocumentedDefaults()
    {
        const string yaml = """
            version: 1
            name: tiny
            units:
              - { name: a, kind: bitserial, rows: 4, cols: 4 }
              - { name: b, kind: systolic, rows: 2, cols: 2 }
              - { name: c, kind: xnor, rows: 1, cols: 8 }
            """;

        var arch = ArchitectureYaml.Parse(yaml, File);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(arch.ClockMhz, Is.EqualTo(500));
            Assert.That(arch.Dram, Is.EqualTo(new DramSpec(16)));
            Assert.That(arch.Buffers, Is.EqualTo(new BufferSpec(256 * 1024, 256 * 1024, 128 * 1024, 64)));
            Assert.That(arch.Units[0], Is.EqualTo(new BitSerialUnitSpec("a", 4, 4, 16, SerialMode.Activations, 8)));
            Assert.That(arch.Units[1], Is.EqualTo(new SystolicUnitSpec("b", 2, 2, Dataflow.OutputStationary, NumberFormat.Int(8))));
            Assert.That(arch.Units[2], Is.EqualTo(new XnorUnitSpec("c", 1, 8, 64, 1)));
        }
    }

    [Test]
    public void BlockStyle_UnlimitedDram_FractionalKib_AndOtherChoices()
    {
        const string yaml = """
            version: 1
            name: "my arch"
            clock_mhz: 312.5
            dram:
              bandwidth_bytes_per_cycle: unlimited
            buffers:
              ifmap_kb: 0.5
              ofmap_kb: 1.25
            units:
              - name: w
                kind: systolic
                rows: 4
                cols: 4
                dataflow: WS
                format: bf16
                scalesim_compat: true
              - name: i
                kind: systolic
                rows: 4
                cols: 4
                dataflow: is
              - name: loom
                kind: bitserial
                rows: 2
                cols: 2
                serial: both
                max_bits: 16
            """;

        var arch = ArchitectureYaml.Parse(yaml, File);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(arch.Name, Is.EqualTo("my arch"));
            Assert.That(arch.ClockMhz, Is.EqualTo(312.5));
            Assert.That(arch.Dram.IsUnlimited, Is.True);
            Assert.That(arch.Buffers, Is.EqualTo(new BufferSpec(512, 256 * 1024, 1280, 64)));
            Assert.That(arch.Units[0], Is.EqualTo(new SystolicUnitSpec("w", 4, 4, Dataflow.WeightStationary, NumberFormat.Bf16, scaleSimCompat: true)));
            Assert.That(arch.Units[1], Is.EqualTo(new SystolicUnitSpec("i", 4, 4, Dataflow.InputStationary, NumberFormat.Int(8))));
            Assert.That(arch.Units[2], Is.EqualTo(new BitSerialUnitSpec("loom", 2, 2, 16, SerialMode.Both, 16)));
        }
    }

    [TestCaseSource(typeof(Presets), nameof(Presets.Names))]
    public void ToYaml_ReadsBackEqual_ForEveryPreset(string name)
    {
        var preset = Presets.Get(name);

        var yaml = ArchitectureYaml.ToYaml(preset);

        Assert.That(ArchitectureYaml.Parse(yaml, File), Is.EqualTo(preset), yaml);
    }

    [Test]
    public void ToYaml_ReadsBackEqual_WithAwkwardNamesAndOddSizes()
    {
        var arch = new ArchitectureSpec("arch: \"one\" # not a comment", 123.456, DramSpec.Unlimited with { Type = DramKind.Gddr5 }, new BufferSpec(2, 1025, 3 * 1024 * 1024 + 7, 8),
        [
            new SystolicUnitSpec("true", 3, 5, Dataflow.InputStationary, NumberFormat.Fp16, scaleSimCompat: true),
            new BitSerialUnitSpec("null", 1, 65536, 4096, SerialMode.Both, 32),
            new XnorUnitSpec("- x", 7, 9, 1, 32),
            new XnorUnitSpec("ünï\tcode", 1, 1, 64, 1),
        ]);

        var yaml = ArchitectureYaml.ToYaml(arch);

        Assert.That(ArchitectureYaml.Parse(yaml, File), Is.EqualTo(arch), yaml);
    }

    [Test]
    public void ToYaml_WritesEveryValue_InTheSchemasOrder()
    {
        var yaml = ArchitectureYaml.ToYaml(Presets.Get(Presets.Default));

        Assert.That(yaml, Is.EqualTo("""
            version: 1
            name: lowbit-default
            clock_mhz: 500
            execution: layer_sequential
            dram: { type: lpddr4, bandwidth_bytes_per_cycle: 16 }
            buffers: { ifmap_kb: 256, weight_kb: 256, ofmap_kb: 128, word_bits: 64 }
            units:
              - { name: lowbit, kind: bitserial, rows: 16, cols: 16, lanes: 16, serial: activations, max_bits: 8, bits_per_cycle: 1, drain: serial }
              - { name: fp, kind: systolic, rows: 8, cols: 8, dataflow: os, format: fp32, scalesim_compat: false }

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void Load_ReadsAFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hwsim-arch-{Guid.NewGuid():N}.yaml");
        System.IO.File.WriteAllText(path, Example);
        try
        {
            Assert.That(ArchitectureYaml.Load(path).Name, Is.EqualTo("bitserial-16x16"));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
