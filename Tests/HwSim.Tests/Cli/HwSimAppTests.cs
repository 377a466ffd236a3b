using HwSim.Cli;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

public class HwSimAppTests
{
    [Test]
    public void EachVerbIsRegisteredUnderItsCommandsName()
    {
        // A run builds only the verb named by its first argument, found by these names.
        Assert.That(HwSimApp.Verbs.Select(v => v.Create().Name), Is.EqualTo(HwSimApp.Verbs.Select(v => v.Name)));
        Assert.That(HwSimApp.Verbs.Select(v => v.Name), Is.Unique);
    }

    [Test]
    public void ARootForOneVerbHoldsOnlyThatVerbAndHelpHoldsAll()
    {
        Assert.That(HwSimApp.CreateRootCommand("simulate").Subcommands.Select(c => c.Name), Is.EqualTo(new[] { "simulate" }));
        Assert.That(HwSimApp.CreateRootCommand("--help").Subcommands, Has.Count.EqualTo(HwSimApp.Verbs.Count));
        Assert.That(HwSimApp.CreateRootCommand().Subcommands, Has.Count.EqualTo(HwSimApp.Verbs.Count));
    }

    [Test]
    public void AMisspeltVerbIsStillAUserError()
    {
        // No verb by that name: the full root parses it and says so.
        var r = CliRunner.Run("simulte", "resnet18");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Error, Does.Contain("Unrecognized command or argument 'simulte'"));
    }
}
