using HwSim.Tests.Support;
using HwSim.Tests.Workloads.Import.Onnx;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>
/// Every kind of bad input reaches the user as exactly one line, "error: ...", naming the file,
/// the line (or node) and the field, with exit code 2, no stack trace and no output file.
/// </summary>
public class BadInputTests
{
    private const string ScaleSimHeader = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";
    private const string HwSimHeader = "name,c,h,w,k,r,s,stride\n";

    internal static void AssertOneLineError(CliResult r, params string[] parts)
    {
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        var lines = r.Error.TrimEnd('\n', '\r').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1), r.ToString());
        Assert.That(lines[0], Does.StartWith("error: "));
        foreach (var p in parts)
            Assert.That(lines[0], Does.Contain(p));
        Assert.That(r.Error, Does.Not.Contain("   at "), "no stack trace");
    }

    private static CliResult RunOnFile(string contents, string name = "net.csv", params string[] extra)
    {
        using var dir = new TempDir();
        var path = dir.File(name, contents);
        var output = dir.File("out.json");
        var r = CliRunner.Run(["workload", path, "--format", "json", "-o", output, .. extra]);
        Assert.That(File.Exists(output), Is.False, "no output file on error");
        Assert.That(Directory.GetFiles(dir.Path), Has.Length.EqualTo(1), "nothing else written");
        return r;
    }

    [Test]
    public void WrongHeader() =>
        AssertOneLineError(RunOnFile("Layer, Height, Width,\nc,1,1,\n"), "net.csv", "line 1", "header is neither");

    [Test]
    public void UnrecognisedCsv() =>
        AssertOneLineError(RunOnFile("id;h;w\n"), "net.csv", "line 1", "matches neither HwSim's workload CSV");

    [Test]
    public void MissingColumn() =>
        AssertOneLineError(RunOnFile("name,c,h,w,k,r\nx,1,1,1,1,1\n"), "net.csv", "line 1", "field 's'", "missing column 's'");

    [Test]
    public void NonNumericField() =>
        AssertOneLineError(RunOnFile(ScaleSimHeader + "c1,224,2x4,11,11,3,96,4,\n"), "net.csv", "line 2", "field 'IFMAP Width'", "'2x4' is not a whole number");

    [Test]
    public void NegativeField() =>
        AssertOneLineError(RunOnFile(HwSimHeader + "a,3,8,8,4,3,3,1\nb,4,8,8,-4,3,3,1\n"), "net.csv", "line 3", "field 'k'", "must be at least 1, got -4");

    [Test]
    public void KernelLargerThanPaddedInput() =>
        AssertOneLineError(RunOnFile(HwSimHeader + "a,3,4,4,4,5,3,1\n"), "net.csv", "line 2", "field 'r'", "kernel height 5 is larger than the padded input height 4");

    [Test]
    public void KernelLargerThanScaleSimInput() =>
        AssertOneLineError(RunOnFile(ScaleSimHeader + "c1,4,4,3,5,3,96,1,\n"), "net.csv", "line 2", "field 'Filter Width'", "larger than the (already padded) IFMAP width 4");

    [Test]
    public void StrideZero() =>
        AssertOneLineError(RunOnFile(HwSimHeader + "a,3,8,8,4,3,3,0\n"), "net.csv", "line 2", "field 'stride_h'", "must be at least 1, got 0");

    [Test]
    public void StrideZeroScaleSim() =>
        AssertOneLineError(RunOnFile(ScaleSimHeader + "c1,8,8,3,3,3,4,0,\n"), "net.csv", "line 2", "field 'Strides'", "must be at least 1, got 0");

    [Test]
    public void UnknownNetwork() =>
        AssertOneLineError(CliRunner.Run("workload", "resnet19"), "unknown network 'resnet19'", "resnet18");

    [Test]
    public void MissingFile() =>
        AssertOneLineError(CliRunner.Run("workload", "/nonexistent/net.csv"), "/nonexistent/net.csv", "file not found");

    [Test]
    public void EmptyFile() =>
        AssertOneLineError(RunOnFile(""), "net.csv", "empty");

    [Test]
    public void UnreadableOnnx() =>
        AssertOneLineError(RunOnFile("this is not a protobuf", "model.onnx"), "model.onnx", "not a valid ONNX model");

    [TestCase(new[] { "--wbits", "0", "--abits", "2" }, "--wbits", "must be 1 to 32, got 0")]
    [TestCase(new[] { "--wbits", "4", "--abits", "40" }, "--abits", "must be 1 to 32, got 40")]
    [TestCase(new[] { "--wbits", "4" }, "--abits", "give both --wbits and --abits")]
    [TestCase(new[] { "--wbits", "3", "--abits", "2", "--wformat", "ternary" }, "--wformat", "ternary weights take 2 bits")]
    [TestCase(new[] { "--first-last", "fp8" }, "--first-last", "must be one of fp32, fp16, bf16, int8, int16, same")]
    [TestCase(new[] { "--wbits", "four", "--abits", "2" }, "four")]
    [TestCase(new[] { "--format", "xml" }, "xml")]
    [TestCase(new[] { "--frobnicate" }, "--frobnicate")]
    public void BadOptions(string[] options, params string[] parts) =>
        AssertOneLineError(CliRunner.Run(["workload", "resnet18", .. options]), parts);

    [Test]
    public void OutputDirectoryMissing() =>
        AssertOneLineError(CliRunner.Run("workload", "resnet18", "-o", "/nonexistent-dir/out.csv"), "/nonexistent-dir/out.csv", "directory does not exist");

    [Test]
    public void ExistingOutputSurvivesAFailedRun()
    {
        using var dir = new TempDir();
        var output = dir.File("out.csv", "previous result\n");
        var bad = dir.File("bad.csv", HwSimHeader + "a,3,8,8,4,3,3,0\n");
        var r = CliRunner.Run("workload", bad, "--format", "csv", "-o", output);
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(File.ReadAllText(output), Is.EqualTo("previous result\n"));
    }

    /// <summary>The libraries name fields in their own words; the command line names the option that sets them.</summary>
    [TestCase(new[] { "energy", "resnet18", "--wbits", "0", "--abits", "2" }, "field '--wbits'", "must be 1 to 32, got 0")]
    [TestCase(new[] { "energy", "resnet18", "--wbits", "4", "--abits", "40" }, "field '--abits'", "must be 1 to 32, got 40")]
    [TestCase(new[] { "first-last", "--wformat", "ternary", "--wbits", "4" }, "field '--wformat'", "ternary weights take 2 bits, got 4-bit weights")]
    [TestCase(new[] { "energy", "alexnet", "--tech", "3nm" }, "field '--tech'", "no Stillmaker-Baas row for 3 nm")]
    [TestCase(new[] { "energy", "alexnet", "--vdd", "5" }, "field '--vdd'", "supply voltage must be between 0.3 and 2.0 V")]
    [TestCase(new[] { "energy", "alexnet", "--wbits", "4", "--abits", "4", "--first-last", "int4" }, "field '--first-last'", "int4")]
    [TestCase(new[] { "report", "--width-bits", "0", "--quiet", "-o", "never-created" }, "field '--width-bits'", "must be 1 to 32, got 0")]
    public void LibraryFieldsAreNamedAsTheOptions(string[] args, string field, string rule)
    {
        AssertOneLineError(CliRunner.Run(args), field, rule);
        Assert.That(Directory.Exists("never-created"), Is.False, "a bad option fails before the report folder is made");
    }

    /// <summary>--input-size means height x width wherever it appears (an ONNX model's input); one number is a square.</summary>
    [Test]
    public void InputSizeIsHeightByWidthOrOneSide()
    {
        using var dir = new TempDir();
        var path = new OnnxTestModel().Input("x", "batch", 3, "height", "width").Weight("w", 4, 3, 3, 3)
            .Node("Conv", ["x", "w"], ["y"], "conv").Save(dir.Path, "symbolic.onnx");
        var square = CliRunner.Run("workload", path, "--input-size", "32", "--format", "csv", "-q");
        Assert.That(square.ExitCode, Is.Zero, square.Error);
        Assert.That(square.Output, Does.Contain(",3,32,32,4,3,3,"));
        var oblong = CliRunner.Run("workload", path, "--input-size", "32x20", "--format", "csv", "-q");
        Assert.That(oblong.ExitCode, Is.Zero, oblong.Error);
        Assert.That(oblong.Output, Does.Contain(",3,32,20,4,3,3,"));
        AssertOneLineError(CliRunner.Run("workload", path, "--input-size", "2x3x4"), "field '--input-size'", "must be HEIGHTxWIDTH", "got '2x3x4'");
    }
}
