using System.CommandLine;
using System.Text.Json;
using HwSim.Cli.Common;
using HwSim.Simulator.Architecture;
using HwSim.Tests.Support;
using HwSim.Workloads;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

[TestFixture]
public sealed class ArchsCommandTests
{
    private static void AssertOneLineError(CliResult r, params string[] parts)
    {
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        var lines = r.Error.TrimEnd('\n', '\r').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1), r.ToString());
        Assert.That(lines[0], Does.StartWith("error: "));
        foreach (var p in parts)
            Assert.That(lines[0], Does.Contain(p));
        Assert.That(r.Output, Is.Empty);
    }

    [Test]
    public void List_ShowsEveryPreset_WithUnitsClockAndBuffers()
    {
        var r = CliRunner.Run("archs");

        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        foreach (var name in Presets.Names)
            Assert.That(r.Output, Does.Contain(name));
        Assert.That(r.Output, Does.Contain("lowbit: bitserial 16x16, 16 lanes, serial activations, up to 8 bits").And.Contain("256 / 256 / 128"));
        Assert.That(r.Error, Is.Empty);
    }

    [Test]
    public void List_AsCsv_HasAHeaderAndOneRowPerPreset()
    {
        var r = CliRunner.Run("archs", "--format", "csv");

        var lines = r.Output.TrimEnd().Split('\n');
        Assert.That(lines[0], Is.EqualTo("name,units,clock_mhz,dram_bytes_per_cycle,ifmap_kb,weight_kb,ofmap_kb,word_bits,description,dram_type,storage"));
        Assert.That(lines.Skip(1).Select(l => l.Split(',')[0]), Is.EqualTo(Presets.Names));
        Assert.That(lines[2], Does.StartWith("stripes-like,").And.Contain(",980,unlimited,2048,32768,2048,256,"));
    }

    [Test]
    public void List_AsJson_HasTheSchemasKeysAndADescription()
    {
        var r = CliRunner.Run("archs", "-f", "json");

        using var doc = JsonDocument.Parse(r.Output);
        var archs = doc.RootElement.GetProperty("architectures");
        Assert.That(archs.GetArrayLength(), Is.EqualTo(Presets.Names.Count));
        var tpu = archs.EnumerateArray().Single(a => a.GetProperty("name").GetString() == "tpu-like");
        Assert.That(tpu.GetProperty("description").GetString(), Does.Contain("Jouppi"));
        Assert.That(tpu.GetProperty("units")[0].GetProperty("dataflow").GetString(), Is.EqualTo("ws"));
    }

    [TestCaseSource(typeof(Presets), nameof(Presets.Names))]
    public void Show_PrintsYamlThatReadsBackToThePreset(string name)
    {
        var r = CliRunner.Run("archs", name);

        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Output, Does.StartWith("# " + Presets.Describe(name)));
        Assert.That(ArchitectureYaml.Parse(r.Output, "stdout"), Is.EqualTo(Presets.Get(name)));
    }

    [Test]
    public void Show_AsJson_HasSnakeCaseKeys()
    {
        var r = CliRunner.Run("archs", "stripes-like", "--format", "json");

        using var doc = JsonDocument.Parse(r.Output);
        var root = doc.RootElement;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "version", "name", "clock_mhz", "execution", "dram", "buffers", "units" }));
            Assert.That(root.GetProperty("dram").GetProperty("bandwidth_bytes_per_cycle").GetString(), Is.EqualTo("unlimited"));
            Assert.That(root.GetProperty("buffers").GetProperty("weight_kb").GetDouble(), Is.EqualTo(32768));
            Assert.That(root.GetProperty("buffers").GetProperty("word_bits").GetInt32(), Is.EqualTo(256));
            var unit = root.GetProperty("units")[0];
            Assert.That(unit.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "name", "kind", "rows", "cols", "lanes", "serial", "max_bits", "bits_per_cycle", "drain", "fc_mode" }));
            Assert.That(unit.GetProperty("max_bits").GetInt32(), Is.EqualTo(16));
        }
    }

    [Test]
    public void Show_AsCsv_HasASkipColumnOnlyWhereAUnitSkips()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "pra.yaml");
        File.WriteAllText(path, "version: 1\nname: pra\nunits:\n  - { name: pra, kind: bitserial, rows: 16, cols: 16, skip: zero_bits }\n  - { name: str, kind: bitserial, rows: 2, cols: 2 }\n");

        var csv = CliRunner.Run("archs", path, "-f", "csv");

        Assert.That(csv.Output.ReplaceLineEndings("\n"), Is.EqualTo(
            "name,kind,rows,cols,dataflow,format,scalesim_compat,skip,lanes,serial,max_bits,bits_per_cycle,drain\n" +
            "pra,bitserial,16,16,,,,zero_bits,16,activations,8,1,serial\n" +
            "str,bitserial,2,2,,,,,16,activations,8,1,serial\n"));
    }

    [Test]
    public void Show_AsTableAndCsv_ListTheUnits()
    {
        var table = CliRunner.Run("archs", "lowbit-default", "-f", "table");
        var csv = CliRunner.Run("archs", "lowbit-default", "-f", "csv");

        Assert.That(table.Output, Does.Contain("500 MHz, DRAM 16 B/cycle").And.Contain("activations").And.Contain("fp32"));
        Assert.That(csv.Output.ReplaceLineEndings("\n"), Is.EqualTo(
            "name,kind,rows,cols,dataflow,format,scalesim_compat,lanes,serial,max_bits,bits_per_cycle,drain\n" +
            "lowbit,bitserial,16,16,,,,16,activations,8,1,serial\n" +
            "fp,systolic,8,8,os,fp32,false,,,,,\n"));
    }

    [Test]
    public void YamlFile_IsValidated_AndEchoedWithEveryValue()
    {
        using var dir = new TempDir();
        var path = dir.File("mine.yaml", "version: 1\nname: mine\nunits:\n  - { name: a, kind: xnor, rows: 2, cols: 8 }\n");

        var r = CliRunner.Run("archs", path);

        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Output, Does.Contain("lanes: 64, max_bits: 1").And.Contain("clock_mhz: 500"));
        Assert.That(ArchitectureYaml.Parse(r.Output, "stdout"), Is.EqualTo(ArchitectureYaml.Load(path)));
    }

    [Test]
    public void YamlFile_WithAnError_IsOneErrorLine_Exit2()
    {
        using var dir = new TempDir();
        var path = dir.File("bad.yaml", "version: 1\nname: bad\nunits:\n  - { name: a, kind: xnor, rows: 2, cols: 8 }\n  - { name: b, kind: bitserial, rows: 0, cols: 8 }\n");

        AssertOneLineError(CliRunner.Run("archs", path), "bad.yaml", "line 5", "field 'units[1].rows'", "must be 1 to 65536, got 0");
    }

    [Test]
    public void MissingYamlFile_IsOneErrorLine() =>
        AssertOneLineError(CliRunner.Run("archs", "/nonexistent/arch.yaml"), "/nonexistent/arch.yaml", "file not found");

    [Test]
    public void UnknownPreset_ListsThePresets() =>
        AssertOneLineError(CliRunner.Run("archs", "tpu-v9"), "unknown architecture 'tpu-v9'", "lowbit-default", "tpu-like");

    [Test]
    public void YamlFormatWithoutAName_IsAnError() =>
        AssertOneLineError(CliRunner.Run("archs", "--format", "yaml"), "give its name");

    [Test]
    public void UnknownFormat_IsAnError() =>
        AssertOneLineError(CliRunner.Run("archs", "--format", "xml"), "--format must be table, csv, json or yaml, got 'xml'");

    [Test]
    public void SharedFormatOption_StillRejectsYaml() =>
        AssertOneLineError(CliRunner.Run("networks", "--format", "yaml"), "--format must be table, csv or json");

    [Test]
    public void OutputFile_GetsTheYaml()
    {
        using var dir = new TempDir();
        var output = dir.File("tpu.yaml");

        var r = CliRunner.Run("archs", "tpu-like", "-o", output);

        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Output, Is.Empty);
        Assert.That(ArchitectureYaml.Load(output), Is.EqualTo(Presets.Get("tpu-like")));
    }

    /// <summary>`hwsim archs --upgrade FILE -o OUT` writes a classic file in the storage form, which reads back to the same machine.</summary>
    [Test]
    public void Upgrade_WritesTheStorageForm()
    {
        using var dir = new TempDir();
        var old = dir.File("old.yaml");
        File.WriteAllText(old, "version: 1\nname: mine\nbuffers: { ifmap_kb: 64, weight_kb: 32, ofmap_kb: 16, word_bits: 32 }\nunits:\n  - { name: a, kind: systolic, rows: 4, cols: 4 }\n");
        var output = dir.File("new.yaml");

        var r = CliRunner.Run("archs", "--upgrade", old, "-o", output);

        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var text = File.ReadAllText(output);
        Assert.That(text, Does.Contain("storage:\n  - { name: DRAM, class: dram, type: lpddr4, bandwidth_bytes_per_cycle: 16 }\n"
            + "  - { name: ifmap_buffer, class: sram, capacity_kb: 64, word_bits: 32, banks: 1, double_buffered: true, holds: [ifmap], instances: global }").And.Not.Contain("buffers:"));
        Assert.That(ArchitectureYaml.Load(output), Is.EqualTo(ArchitectureYaml.Load(old)));
        AssertOneLineError(CliRunner.Run("archs", "--upgrade", old, "--format", "json"), "--upgrade writes YAML");
        AssertOneLineError(CliRunner.Run("archs", "--upgrade"), "give the architecture file to upgrade");
    }

    [Test]
    public void ArchitectureOption_DefaultsToLowbitDefault_AndTakesPresetsAndFiles()
    {
        using var dir = new TempDir();
        var path = dir.File("mine.yml", "version: 1\nname: mine\nunits: [{ name: a, kind: xnor, rows: 2, cols: 8 }]\n");
        var option = new ArchitectureOption();
        var command = new RootCommand();
        option.AddTo(command);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(option.Resolve(command.Parse([])), Is.EqualTo(Presets.Get(Presets.Default)));
            Assert.That(option.Resolve(command.Parse(["--arch", "eyeriss-like"])), Is.EqualTo(Presets.Get("eyeriss-like")));
            Assert.That(option.Resolve(command.Parse(["--arch", path])).Name, Is.EqualTo("mine"));
            Assert.That(option.Arch.Description, Does.Contain("tpu-like").And.Contain(".yaml"));
        }
        var e = Assert.Throws<InputException>(() => option.Resolve(command.Parse(["--arch", dir.File("none.yaml")])))!;
        Assert.That(e.Rule, Is.EqualTo("file not found"));
    }
}
