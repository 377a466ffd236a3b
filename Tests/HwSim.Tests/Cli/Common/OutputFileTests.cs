using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli.Common;

/// <summary>
/// What -o does to what is already at the path (issue 11 items 1, 13 and 11): a regular file is
/// replaced atomically keeping its mode, a symbolic link is written through, a FIFO or device is
/// written in place and never replaced, a read-only file is refused (as root too: these tests run
/// as root in CI and check the refusal by mode bits), a stale temporary file is removed.
/// </summary>
[Platform("Linux")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class OutputFileTests
{
    private static readonly string[] AlexNetCsv = ["workload", "alexnet", "--format", "csv"];

    private static string ExpectedCsv()
    {
        var r = CliRunner.Run([.. AlexNetCsv]);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return r.Output;
    }

    [Test]
    public void ASymbolicLinkIsWrittenThroughAndStaysALink()
    {
        using var dir = new TempDir();
        var real = dir.File("real.csv", "old\n");
        File.SetUnixFileMode(real, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var link = Path.Combine(dir.Path, "link.csv");
        File.CreateSymbolicLink(link, "real.csv");

        var r = CliRunner.Run([.. AlexNetCsv, "-o", link]);

        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(new FileInfo(link).LinkTarget, Is.EqualTo("real.csv"), "the link is still a link to the same file");
            Assert.That(File.ReadAllText(real), Is.EqualTo(ExpectedCsv()), "its target got the output");
            Assert.That(File.GetUnixFileMode(real), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead), "the target keeps its mode (0640)");
            Assert.That(Directory.GetFiles(dir.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "real.csv", "link.csv" }), "no temporary file left");
        });
    }

    [Test]
    public void AReplacedFileKeepsItsMode()
    {
        using var dir = new TempDir();
        var path = dir.File("out.csv", "old\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var r = CliRunner.Run([.. AlexNetCsv, "-o", path]);

        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(File.ReadAllText(path), Is.EqualTo(ExpectedCsv()));
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), "0600 stays 0600, not the umask's 0644");
    }

    [Test]
    public void AReadOnlyFileIsRefusedEvenForRoot([Values] bool throughLink)
    {
        using var dir = new TempDir();
        var path = dir.File("kept.csv", "precious\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var target = path;
        if (throughLink)
        {
            target = Path.Combine(dir.Path, "link.csv");
            File.CreateSymbolicLink(target, path);
        }

        var r = CliRunner.Run([.. AlexNetCsv, "-o", target]);

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(r.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
            Assert.That(r.Error, Does.Contain(Path.GetFileName(target)).And.Contain("read-only"));
            Assert.That(File.ReadAllText(path), Is.EqualTo("precious\n"));
            Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
        });
    }

    [Test]
    public void AFifoIsWrittenInPlaceNotReplaced()
    {
        // The FIFO stands for /dev/null, /dev/stdout and >(gzip > x.gz), which a rename would replace (as root, /dev/null itself).
        using var dir = new TempDir();
        var fifo = Path.Combine(dir.Path, "pipe");
        UnixFiles.MakeFifo(fifo);
        using var reader = UnixFiles.Reader(fifo);
        var received = reader.StandardOutput.ReadToEndAsync();
        try
        {
            var r = CliRunner.Run([.. AlexNetCsv, "-o", fifo]);

            Assert.That(r.ExitCode, Is.Zero, r.ToString());
            Assert.That(received.Wait(TimeSpan.FromSeconds(10)), Is.True, "the reader got an end of file");
            Assert.That(received.Result, Is.EqualTo(ExpectedCsv()));
            Assert.That(UnixFiles.TypeOf(fifo), Is.EqualTo("fifo"));
        }
        finally
        {
            if (!reader.HasExited)
                reader.Kill();
        }
    }

    [Test]
    public void AFullDeviceIsOneErrorLine()
    {
        // A link to /dev/full in a scratch folder: written through, the device reports a full disk.
        // (Were the link replaced instead, only the link would go, never /dev/full.)
        using var dir = new TempDir();
        var link = Path.Combine(dir.Path, "full.csv");
        File.CreateSymbolicLink(link, "/dev/full");

        var r = CliRunner.Run([.. AlexNetCsv, "-o", link]);

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(r.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
            Assert.That(r.Error, Does.Contain("full.csv").And.Contain("No space left on device").And.Not.Contain(" at "));
            Assert.That(new FileInfo(link).LinkTarget, Is.EqualTo("/dev/full"));
        });
    }

    [Test]
    public void ADirectoryIsRefused()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run([.. AlexNetCsv, "-o", dir.Path]);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Error, Does.Contain("is a directory"));
    }

    [Test]
    public void ATemporaryFileOfAKilledRunIsRemovedByTheNextWrite()
    {
        using var dir = new TempDir();
        var path = dir.File("out.csv");
        var stale = dir.File($".out.csv.{UnixFiles.DeadPid()}.{Guid.NewGuid():N}.tmp", "half a");
        var live = dir.File($".out.csv.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp", "being written");
        var other = dir.File($".other.csv.{UnixFiles.DeadPid()}.{Guid.NewGuid():N}.tmp", "another file's");

        var r = CliRunner.Run([.. AlexNetCsv, "-o", path]);

        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(stale), Is.False, "its process is gone");
            Assert.That(File.Exists(live), Is.True, "its process (this one) still runs");
            Assert.That(File.Exists(other), Is.True, "not a temporary of this output");
        });
    }

    [TestCase("folder/", TestName = "APlotPathEndingInASlashIsRefused")]
    [TestCase("folder", TestName = "APlotPathThatIsADirectoryIsRefused")]
    [TestCase("clash", TestName = "APlotWhosePngIsADirectoryIsRefused")]
    public void PlotPathsThatAreDirectoriesAreOneLineErrors(string plot)
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "folder"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "clash.png"));

        var r = CliRunner.Run("first-last", "alexnet", "--quiet", "--plot", Path.Combine(dir.Path, plot));

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(r.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
            Assert.That(r.Error, Does.Contain("is a directory"));
            Assert.That(File.Exists(Path.Combine(dir.Path, "clash.svg")), Is.False, "both plot files or neither");
            Assert.That(Directory.GetFiles(Path.Combine(dir.Path, "folder")), Is.Empty);
        });
    }
}
