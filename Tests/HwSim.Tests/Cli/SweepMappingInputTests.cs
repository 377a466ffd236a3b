using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>A sweep with a mapping file: points it leaves layers out of say why, and a file that fails the first point leaves no output.</summary>
public class SweepMappingInputTests
{
    [Test]
    public void APointWhoseBuffersBreakTheFile_IsANoteWithTheLayerAndWhy()
    {
        using var dir = new TempDir();
        var grid = dir.File("g.yaml", "version: 1\nbase: lowbit-default\nvary:\n  buffers.ifmap_kb: [256, 16]\n");
        var file = dir.File("m.yaml", "layers:\n  conv1: { block_m: 64, block_k: 1, block_n: 1 }\n");
        var r = CliRunner.Run("sweep", "-n", "resnet18", "--bits", "2", "-g", grid, "--mapping", file);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Output.Split('\n').Count(l => l.EndsWith(",1", StringComparison.Ordinal)), Is.EqualTo(1), "one point leaves one layer out");
        Assert.That(r.Error, Does.Contain("note: 1 point(s) left layers not run (column layers_not_run; their figures leave those layers out); the first, point 1: conv1: a block needs"));
    }

    [Test]
    public void ANestMappingFileThatDoesNotFit_LeavesNoOutputFile()
    {
        using var dir = new TempDir();
        var examples = Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop");
        // simple_ws's pe_spad holds 192 words; all 864 weights in it do not fit.
        var file = dir.File("m.yaml", "version: 1\nlayers:\n  conv:\n    DRAM: { temporal: [Q14] }\n    shared_glb: { temporal: [P2] }\n    pe_spad: { temporal: [R3, S3, C3, M32, Q2, P2] }\n    weight_reg: { temporal: [P28, Q4] }\n");
        var output = Path.Combine(dir.Path, "sweep.csv");
        var r = CliRunner.Run("sweep", "-n", Path.Combine(examples, "simple_ws.csv"), "--bits", "16", "--arch", Path.Combine(examples, "simple_ws.yaml"), "--mapping", file, "-o", output, "-q");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Error, Does.Contain($"{file}, line 3, field 'layers.conv': does not fit layer 'conv'"));
        Assert.That(File.Exists(output), Is.False, "no header-only file");
    }
}
