using HwSim.Simulator.Architecture;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Architecture;

/// <summary>The execution key: default, both values, round trip, and the error for anything else.</summary>
public sealed partial class ArchitectureYamlTests
{
    private const string OneUnit = "units: [{ name: a, kind: xnor, rows: 1, cols: 4 }]\n";

    [Test]
    public void Execution_DefaultsToSequential()
    {
        Assert.That(ArchitectureYaml.Parse(Head + OneUnit, File).Execution, Is.EqualTo(Execution.LayerSequential));
    }

    [TestCase("layer_sequential", Execution.LayerSequential)]
    [TestCase("layer_pipelined", Execution.LayerPipelined)]
    public void Execution_ReadsAndRoundTrips(string text, Execution expected)
    {
        var arch = ArchitectureYaml.Parse(Head + $"execution: {text}\n" + OneUnit, File);
        var yaml = ArchitectureYaml.ToYaml(arch);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(arch.Execution, Is.EqualTo(expected));
            Assert.That(yaml, Does.Contain($"\nexecution: {text}\n"));
            Assert.That(ArchitectureYaml.Parse(yaml, File), Is.EqualTo(arch));
            Assert.That(arch with { Execution = expected == Execution.LayerPipelined ? Execution.LayerSequential : Execution.LayerPipelined }, Is.Not.EqualTo(arch));
        }
    }

    [Test]
    public void Execution_UnknownValue_NamesBothChoices() =>
        AssertError(Head + "execution: pipelined\n" + OneUnit, 3, "execution", "unknown execution 'pipelined'", "layer_sequential", "layer_pipelined");
}
