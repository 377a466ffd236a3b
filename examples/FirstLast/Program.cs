using System.Globalization;
using HwSim.Analyses.FirstLast;
using HwSim.CostModel.Evaluation;
using HwSim.Simulator.Architecture;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Import;
using HwSim.Workloads.Precision;

namespace HwSim.Examples.FirstLast;

/// <summary>
/// HwSim through its libraries alone: load a network, set a precision policy, simulate and price
/// it on two architectures, and print the energy per inference and the first/last layers' share
/// of it. Run with <c>dotnet run --project examples/FirstLast [network] [arch] [arch]</c>.
/// </summary>
public static class Program
{
    /// <summary>ResNet-18 with 2-bit inner layers and int8 first/last layers (PACT + SAWB's convention) on two bit-serial designs.</summary>
    public static readonly string[] Defaults = ["resnet18", "lowbit-default", "loom-like"];

    /// <summary>Writes the example's table to standard output; errors in the input are one line and exit code 2.</summary>
    public static int Main(string[] args)
    {
        try
        {
            Run(Console.Out, args.Length == 0 ? Defaults : args);
            return 0;
        }
        catch (HwSim.Workloads.InputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    /// <summary>
    /// The example itself: <paramref name="args"/> are a network (built-in, CSV or ONNX) and two
    /// architectures (presets or YAML files).
    /// </summary>
    public static void Run(TextWriter output, IReadOnlyList<string> args)
    {
        if (args.Count != 3)
            throw new ArgumentException("give a network and two architectures", nameof(args));

        // 1. The network, as the zoo, a CSV or an ONNX model gives it.
        var network = WorkloadSource.Load(args[0]);
        // 2. The precision policy: inner layers W2A2, first and last layers kept at int8.
        var policy = PrecisionPolicy.FromBits(2, 2, FirstLastFormat.Keep(NumberFormat.Int(8)));
        // 3. Built-in tables at 45 nm; simulate and price on each architecture.
        var cost = CostSetting.Default;
        output.WriteLine($"{network.Name}, {policy}, {cost.Scaling.Target.Name}");
        output.WriteLine("architecture,energy_uj_per_inference,first_last_energy_share,first_last_macs_share");
        foreach (var name in args.Skip(1))
        {
            var arch = ArchitectureSource.Load(name);
            var evaluated = Evaluator.Evaluate(policy.Apply(network), arch, cost);
            var share = FirstLastAnalysis.Row(network, policy, arch, cost);
            output.WriteLine(string.Join(",", arch.Name,
                evaluated.Energy.EnergyPerInferenceMicrojoules.ToString("R", CultureInfo.InvariantCulture),
                share.EnergyShare is { } e ? e.ToString("R", CultureInfo.InvariantCulture) : $"not run ({share.NotRun})",
                share.MacsShare.ToString("R", CultureInfo.InvariantCulture)));
        }
    }
}
