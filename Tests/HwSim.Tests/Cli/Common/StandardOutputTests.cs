using HwSim.Cli;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli.Common;

/// <summary>A standard output that is full or closed gives one error line and exit code 2, not a stack trace (issue 11 item 12).</summary>
public class StandardOutputTests
{
    /// <summary>A writer that fails as a full disk does.</summary>
    private sealed class FullWriter : StringWriter
    {
        public override void Write(char value) => throw new IOException("No space left on device");

        public override void Write(string? value) => throw new IOException("No space left on device");

        public override void Write(char[] buffer, int index, int count) => throw new IOException("No space left on device");

        public override void WriteLine(string? value) => throw new IOException("No space left on device");

        public override void WriteLine() => throw new IOException("No space left on device");
    }

    [TestCase("networks")]
    [TestCase("workload", "resnet18")]
    [TestCase("workload", "resnet18", "--format", "json")]
    [TestCase("--help")]
    public void AFullOutputIsOneErrorLineInProcess(params string[] args)
    {
        var error = new StringWriter();
        var exit = HwSimApp.Run(args, new FullWriter(), error);
        Assert.That(exit, Is.EqualTo(2), error.ToString());
        Assert.That(error.ToString().Trim(), Is.EqualTo("error: cannot write to standard output: No space left on device"));
    }

    [TestCase("\"$0\" networks > /dev/full", "No space left on device", TestName = "NetworksIntoDevFull")]
    [TestCase("\"$0\" workload resnet18 > /dev/full", "No space left on device", TestName = "WorkloadIntoDevFull")]
    [TestCase("\"$0\" networks >&-", "Bad file descriptor", TestName = "NetworksIntoAClosedOutput")]
    [Platform("Linux")]
    public void AFullOrClosedOutputIsOneErrorLine(string script, string reason)
    {
        var (exit, error) = HwsimProcess.Shell(script, TimeSpan.FromSeconds(30));
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(error.Trim(), Is.EqualTo($"error: cannot write to standard output: {reason}"));
    }

    [Test]
    [Platform("Linux")]
    public void AReaderThatLeavesEarlyIsNoError()
    {
        // 'hwsim workload resnet18 | head -1': the rest of the table goes nowhere, quietly.
        var (exit, error) = HwsimProcess.Shell("(\"$0\" workload resnet18 --format csv; echo \"hwsim exit $?\" >&2) | head -1 > /dev/null", TimeSpan.FromSeconds(30));
        Assert.That(exit, Is.Zero, error);
        Assert.That(error, Is.EqualTo("hwsim exit 0\n"));
    }
}
