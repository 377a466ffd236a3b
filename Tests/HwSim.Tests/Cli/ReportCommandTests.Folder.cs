using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>
/// The report folder (issue 11 item 7, and item 18's <c>report -o ''</c>): only the report's own
/// files, all replaced or none, none left over from an earlier run, nobody else's overwritten.
/// </summary>
public partial class ReportCommandTests
{
    // AlexNet without the width section: the quickest report.
    private static CliResult QuickReport(string folder, params string[] extra) =>
        CliRunner.Run(["report", "alexnet", "--no-width", "--quiet", "-o", folder, .. extra]);

    [Test]
    public void NoWidthRemovesThePreviousRunsWidthFiles()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "rep");
        var full = CliRunner.Run("report", "alexnet", "--widths", "1,2", "--quiet", "-o", folder);
        Assert.That(full.ExitCode, Is.Zero, full.ToString());
        Assert.That(File.Exists(Path.Combine(folder, "width.csv")), Is.True);

        var r = QuickReport(folder);

        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName).Where(n => n!.StartsWith("width", StringComparison.Ordinal)), Is.Empty,
            "report.md no longer has a width section, so no width files either");
        Assert.That(File.ReadAllText(Path.Combine(folder, "report.md")), Does.Not.Contain("Width break-even"));
    }

    [TestCase("report.md", "# My own notes\n", TestName = "AUsersOwnReportMdIsNotOverwritten")]
    [TestCase("notes.txt", "mine\n", TestName = "AFolderWithAForeignFileIsRefused")]
    public void AFolderWithFilesTheReportDidNotWriteIsRefused(string name, string content)
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "rep");
        Directory.CreateDirectory(folder);
        var foreign = Path.Combine(folder, name);
        File.WriteAllText(foreign, content);

        var r = QuickReport(folder);

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(r.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
            Assert.That(r.Error, Does.Contain("did not write").And.Contain(name));
            Assert.That(File.ReadAllText(foreign), Is.EqualTo(content));
            Assert.That(Directory.GetFileSystemEntries(folder), Has.Length.EqualTo(1), "nothing written beside it");
        });
    }

    [Test]
    [Platform("Linux")]
    public void AFailureMidwayLeavesThePreviousReportWhole()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "rep");
        var first = QuickReport(folder);
        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        // Mark the old files, then make one of the later outputs fail: area.csv is a link to a full device.
        var before = Directory.GetFiles(folder).Where(f => Path.GetFileName(f) != "area.csv").ToDictionary(f => f, File.ReadAllBytes);
        File.AppendAllText(Path.Combine(folder, "report.md"), "<!-- the earlier run -->\n");
        before[Path.Combine(folder, "report.md")] = File.ReadAllBytes(Path.Combine(folder, "report.md"));
        File.Delete(Path.Combine(folder, "area.csv"));
        File.CreateSymbolicLink(Path.Combine(folder, "area.csv"), "/dev/full");

        var r = QuickReport(folder, "--wbits", "2");

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(r.Error.Trim().Split('\n'), Has.Length.EqualTo(1), "one line, no stack trace");
            Assert.That(r.Error, Does.Contain("area.csv").And.Contain("No space left on device"));
            foreach (var (path, bytes) in before)
                Assert.That(File.ReadAllBytes(path), Is.EqualTo(bytes), $"{Path.GetFileName(path)} is the earlier run's");
            Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName).Where(n => n!.EndsWith(".tmp", StringComparison.Ordinal)), Is.Empty);
        });
    }

    [TestCase("")]
    [TestCase(" ")]
    public void AnEmptyFolderNameIsOneLineError(string folder)
    {
        var r = QuickReport(folder);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(r.Error, Does.Contain("--output").And.Contain("folder name"));
    }
}
