using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>--mapping, --objective and --show-mapping, on every verb that simulates.</summary>
public class MappingOptionsTests
{
    [TestCase("simulate")]
    [TestCase("energy")]
    [TestCase("compare")]
    [TestCase("first-last")]
    [TestCase("width")]
    [TestCase("report")]
    [TestCase("sweep")]
    public void EverySimulatingVerbOffersMappingAndObjective(string verb)
    {
        var r = CliRunner.Run(verb, "--help");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Output, Does.Contain("--mapping").And.Contain("--objective").And.Contain("fixed|search|FILE"));
    }

    [Test]
    public void ShowMappingPrintsEachLayersLoopNestLevelByLevel()
    {
        var r = CliRunner.Run("simulate", "resnet18", "--wbits", "4", "--abits", "2", "--show-mapping");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var text = r.Output[r.Output.IndexOf("Mappings, outermost loop first", StringComparison.Ordinal)..];
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("conv1 on fp: "));
            Assert.That(text, Does.Match(@"\n\S+ on lowbit: order [MKN] [MKN] [MKN], time chunk "));
            Assert.That(text, Does.Contain("\n  DRAM -> buffers (ifmap_buffer, weight_buffer, ofmap_buffer), blocks of M "));
            Assert.That(text, Does.Contain("\n  buffers -> array, folds of M "));
            Assert.That(text, Does.Contain("\n  array, spatial\n"));
            Assert.That(text, Does.Contain("parallel-for M in [0:16)  (rows (16))"));
            Assert.That(text, Does.Contain("parallel-for N in [0:16)  (columns (16))"));
            Assert.That(text, Does.Contain("(lanes (16))"));
            Assert.That(text, Does.Contain("for b in [0:2)  (bit loop (activations serial))"), "A2 activations: two serial bits per step");
            Assert.That(text, Does.Contain("# as a mapping file (--mapping):\nversion: 1\nlayers:\n  conv1: { order: ["), "the nests again as --mapping reads them");
            Assert.That(text.Split('\n').Count(l => l.Contains(" on ", StringComparison.Ordinal) && l.Contains(": ", StringComparison.Ordinal)), Is.EqualTo(21));
        });
    }

    [Test]
    public void FixedShowsTheOldScheduleAndJsonCarriesEachLayersMapping()
    {
        var fixedRun = CliRunner.Run("simulate", "resnet18", "--wbits", "4", "--abits", "2", "--mapping", "fixed", "--format", "json");
        var searched = CliRunner.Run("simulate", "resnet18", "--wbits", "4", "--abits", "2", "--format", "json");
        Assert.That(fixedRun.ExitCode, Is.Zero, fixedRun.ToString());
        Assert.That(searched.ExitCode, Is.Zero, searched.ToString());
        using var f = JsonDocument.Parse(fixedRun.Output);
        using var s = JsonDocument.Parse(searched.Output);
        var fixedLayers = f.RootElement.GetProperty("layers").EnumerateArray().ToList();
        var searchedLayers = s.RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(fixedLayers.All(l => l.GetProperty("mapping").GetProperty("kind").GetString() == "fixed"));
            var nest = searchedLayers.First(l => l.GetProperty("mapping").GetProperty("kind").GetString() == "loop_nest").GetProperty("mapping");
            Assert.That(nest.GetProperty("order").GetString(), Has.Length.EqualTo(3));
            Assert.That(nest.GetProperty("time_chunk").GetInt64(), Is.GreaterThan(0));
            var blocks = nest.GetProperty("blocks");
            var fold = nest.GetProperty("fold_tile");
            var block = nest.GetProperty("block_tile");
            var gemm = nest.GetProperty("gemm");
            foreach (var d in new[] { "m", "k", "n" })
                Assert.That(block.GetProperty(d).GetInt64(), Is.EqualTo(Math.Min(gemm.GetProperty(d).GetInt64(), blocks.GetProperty(d).GetInt64() * fold.GetProperty(d).GetInt64())));
            // Every layer's loops, fixed or searched, in the shape nest designs use: per GEMM dimension the outermost loop's trips
            // times its step cover the GEMM, and the dimension's convolution letters are im2col's.
            foreach (var layer in fixedLayers.Concat(searchedLayers).Where(l => l.GetProperty("ran").GetBoolean()))
            {
                var m = layer.GetProperty("mapping");
                var loops = m.GetProperty("loops").EnumerateArray().ToList();
                foreach (var (d, conv) in new[] { ("M", "NPQ"), ("K", "CRS"), ("N", "M") })
                {
                    var outer = loops.First(l => l.GetProperty("dim").GetString() == d);
                    var extent = m.GetProperty("gemm").GetProperty(d.ToLowerInvariant()).GetInt64();
                    var covered = outer.GetProperty("trips").GetInt64() * outer.GetProperty("step").GetInt64();
                    Assert.That(covered, Is.GreaterThanOrEqualTo(extent).And.LessThan(extent + outer.GetProperty("step").GetInt64()), $"{layer.GetProperty("name")} {d}");
                    Assert.That(string.Concat(outer.GetProperty("conv_dims").EnumerateArray().Select(c => c.GetString())), Is.EqualTo(conv));
                }
                Assert.That(loops.Count(l => l.TryGetProperty("spatial", out _)), Is.GreaterThanOrEqualTo(2), "rows and columns");
            }
            // The search never loses to the fixed mapping under its objective (energy); cycles may go either way, DRAM bytes here only down.
            static long Dram(JsonElement root) => root.GetProperty("totals").GetProperty("counts").EnumerateArray()
                .Where(c => c.GetProperty("action").GetString()!.StartsWith("dram", StringComparison.Ordinal)).Sum(c => c.GetProperty("count").GetInt64());
            Assert.That(Dram(s.RootElement), Is.LessThan(Dram(f.RootElement)));
        });
    }

    [Test]
    public void AMappingFileConstrainsLayers()
    {
        using var dir = new TempDir();
        var file = dir.File("m.yaml", "layers:\n  conv1: fixed\n  \"layer*\":\n    order: [K, N, M]\n");
        var r = CliRunner.Run("simulate", "resnet18", "--wbits", "4", "--abits", "2", "--mapping", file, "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        using var doc = JsonDocument.Parse(r.Output);
        var layers = doc.RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(layers[0].GetProperty("mapping").GetProperty("kind").GetString(), Is.EqualTo("fixed"));
            Assert.That(layers.Where(l => l.GetProperty("name").GetString()!.StartsWith("layer", StringComparison.Ordinal))
                .Select(l => l.GetProperty("mapping").GetProperty("order").GetString()).Distinct(), Is.EqualTo(new[] { "KNM" }));
        });
    }

    [Test]
    public void AMappingFileThatNamesNoLayerIsAOneLineErrorWithFileAndLine()
    {
        using var dir = new TempDir();
        var file = dir.File("m.yaml", "layers:\n  conv1: fixed\n  stem.conv: fixed\n");
        var r = CliRunner.Run("energy", "resnet18", "--wbits", "4", "--abits", "2", "--mapping", file);
        BadInputTests.AssertOneLineError(r, file, "line 3", "names no layer of workload 'resnet18'");
    }

    [Test]
    public void AMappingFileBreakingACapacityIsAOneLineErrorWithFileAndLine()
    {
        using var dir = new TempDir();
        var file = dir.File("m.yaml", "layers:\n  layer4.1.conv2:\n    block_k: 1000000\n    block_n: 1000000\n");
        var r = CliRunner.Run("compare", "resnet18", "--wbits", "4", "--abits", "2", "--arch", "lowbit-default", "--arch", "loom-like", "--mapping", file);
        BadInputTests.AssertOneLineError(r, file, "line 2", "breaks a capacity", "half the weight buffer");
    }

    [Test]
    public void AnUnknownMappingIsAOneLineError()
    {
        var r = CliRunner.Run("simulate", "resnet18", "--mapping", "no-such-file.yaml");
        BadInputTests.AssertOneLineError(r, "--mapping", "must be 'search', 'fixed' or a mapping YAML file");
    }
}
