using System.Globalization;
using HwSim.Analyses.FirstLast;
using HwSim.CostModel.Evaluation;
using HwSim.Simulator.Architecture;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Zoo;
using NUnit.Framework;
using Example = HwSim.Examples.FirstLast.Program;

namespace HwSim.Tests.Examples.FirstLast;

/// <summary>examples/FirstLast, built with the tests, run as its Main runs it, printing what the library computes.</summary>
public class FirstLastExampleTests
{
    [Test]
    public void PrintsEnergyAndTheFirstLastShareOnTwoArchitectures()
    {
        using var output = new StringWriter();
        Example.Run(output, Example.Defaults);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(lines, Has.Length.EqualTo(4), output.ToString());
        Assert.That(lines[0], Is.EqualTo("resnet18, inner W:int2 A:uint2, first/last int8, 45nm HP"));
        // The numbers are the library's own: the example adds nothing but the printing.
        var policy = PrecisionPolicy.FromBits(2, 2, FirstLastFormat.Keep(NumberFormat.Int(8)));
        var network = NetworkZoo.Get("resnet18");
        foreach (var (line, arch) in lines.Skip(2).Zip(new[] { "lowbit-default", "loom-like" }))
        {
            var cells = line.Split(',');
            var spec = Presets.Get(arch);
            var energy = Evaluator.Evaluate(policy.Apply(network), spec, CostSetting.Default).Energy.EnergyPerInferenceMicrojoules;
            var row = FirstLastAnalysis.Row(network, policy, spec, CostSetting.Default);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(cells[0], Is.EqualTo(arch));
                Assert.That(double.Parse(cells[1], CultureInfo.InvariantCulture), Is.EqualTo(energy));
                Assert.That(double.Parse(cells[2], CultureInfo.InvariantCulture), Is.EqualTo(row.EnergyShare!.Value));
                // ResNet-18's conv1 (118,013,952) and fc (512,000) of 1,814,073,344 MACs.
                Assert.That(double.Parse(cells[3], CultureInfo.InvariantCulture), Is.EqualTo((118_013_952.0 + 512_000) / 1_814_073_344));
            }
        }
    }

    [Test]
    public void BadInputIsExitCodeTwo()
    {
        var error = Console.Error;
        try
        {
            using var captured = new StringWriter();
            Console.SetError(captured);
            Assert.That(Example.Main(["resnet19", "lowbit-default", "loom-like"]), Is.EqualTo(2));
            Assert.That(captured.ToString(), Does.StartWith("error: ").And.Contain("resnet19"));
        }
        finally
        {
            Console.SetError(error);
        }
    }
}
