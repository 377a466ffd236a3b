using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>Bad nest design and mapping files: one line, exit 2, naming the file, the line, the field and the rule.</summary>
public sealed class NestBadInputTests
{
    // Line numbers below are those of this text: level 1 (glb) is line 5, level 2 (reg) line 6.
    private const string Design = """
        version: 1
        name: t
        levels:
          - { name: DRAM, class: dram }
          - { name: glb, class: sram, depth: 16384, width: 64, datawidth: 16, fanout: { x: 16, y: 16 } }
          - { name: reg, class: register, depth: 1, width: 16, keeps: [weights] }

        """;

    // Everything at DRAM: fits the layer of docs/examples/timeloop/simple_ws.csv (conv, N1 M32 C3 P112 Q112 R3 S3); line 3.
    private const string Mapping = """
        layers:
          conv:
            DRAM: { temporal: [M32, C3, P112, Q112, R3, S3] }

        """;

    private static CliResult Run(string design, string mapping)
    {
        using var dir = new TempDir();
        var d = dir.File("d.nest.yaml", design);
        var m = dir.File("m.nest-mapping.yaml", mapping);
        var csv = Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop", "simple_ws.csv");
        return CliRunner.Run("nest", csv, "--arch", d, "--mapping", m);
    }

    [Test]
    public void TheBaseFilesRun() => Assert.That(Run(Design, Mapping).ExitCode, Is.Zero, Run(Design, Mapping).ToString());

    [TestCase("datawidth: 16,", "datawidth: 16, size: 4,", "line 5", "levels[1].size", "unknown key 'size'")]
    [TestCase("class: sram", "class: cache", "line 5", "levels[1].class", "unknown class 'cache' (allowed: dram, sram, regfile, register)")]
    [TestCase("depth: 16384, ", "", "line 5", "levels[1].depth", "missing")]
    [TestCase("x: 16,", "x: 0,", "line 5", "levels[1].fanout.x", "must be a whole number from 1")]
    [TestCase("keeps: [weights]", "keeps: [weights, psums]", "line 6", "levels[2].keeps", "unknown operand 'psums'")]
    [TestCase("{ name: DRAM, class: dram }", "{ name: DRAM, class: dram, keeps: [weights, inputs] }", "line 4", "levels[0].keeps", "must keep every operand")]
    [TestCase("{ name: DRAM, class: dram }", "{ name: DRAM, class: dram, type: sdram }", "line 4", "levels[0].type", "unknown DRAM type 'sdram'")]
    [TestCase("datawidth: 16,", "datawidth: 24,", "line 5", "levels[1].datawidth", "whole number of 24-bit words")]
    [TestCase("{ name: DRAM, class: dram }", "{ name: DRAM, class: dram, depth: 4 }", "line 4", "levels[0].depth", "applies to sram and register levels")]
    [TestCase("name: reg", "name: glb", "line 6", "levels[2].name", "used by two levels")]
    [TestCase("version: 1", "version: 2", "line 1", "version", "unsupported version")]
    [TestCase("- { name: reg", "- [ name: reg", "line 6", "", "not valid YAML")]
    public void BadDesign(string from, string to, string line, string field, string rule)
    {
        var design = Design.Replace(from, to, StringComparison.Ordinal);
        Assert.That(design, Is.Not.EqualTo(Design), "the case changes the file");
        BadInputTests.AssertOneLineError(Run(design, Mapping), "d.nest.yaml", line, field, rule);
    }

    [TestCase("DRAM: {", "pe: { temporal: [Q1] }\n    DRAM: {", "line 3", "layers.conv.pe", "'pe' is not a level of design 't' (its levels: DRAM, glb, reg)")]
    [TestCase(", S3]", "]", "line 2", "layers.conv", "the bounds of S multiply to 1, the problem has S = 3")]
    [TestCase("R3,", "X3,", "line 3", "layers.conv.DRAM.temporal", "'X' is not a dimension")]
    [TestCase("R3,", "R,", "line 3", "layers.conv.DRAM.temporal", "'R' is not a loop")]
    [TestCase("temporal:", "spatial:", "line 3", "layers.conv.DRAM.spatial", "unknown key 'spatial'")]
    [TestCase("conv:", "conv2:", "line 2", "layers.conv2", "names no layer of the workload (its layers: conv)")]
    [TestCase("DRAM: { temporal: [M32,", "glb: { spatial_x: [M32] }\n    DRAM: { temporal: [", "line 2", "layers.conv", "spatial loops on X need 32 instances, its fan-out has 16")]
    public void BadMapping(string from, string to, string line, string field, string rule)
    {
        var mapping = Mapping.Replace(from, to, StringComparison.Ordinal);
        Assert.That(mapping, Is.Not.EqualTo(Mapping), "the case changes the file");
        BadInputTests.AssertOneLineError(Run(Design, mapping), "m.nest-mapping.yaml", line, field, rule);
    }
}
