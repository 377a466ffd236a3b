using HwSim.Analyses.Sweep;
using HwSim.Simulator.Reference;
using HwSim.Workloads;

namespace HwSim.Cli.Common;

/// <summary>
/// The libraries name a bad value's field in their own words ("weight bits", "technology node"):
/// they do not know a command line exists. Here the command line puts its option in their place,
/// so the user reads the flag to change.
/// </summary>
internal static class LibraryFields
{
    private static readonly Dictionary<string, string> Options = new(StringComparer.Ordinal)
    {
        ["weight bits"] = "--wbits",
        ["activation bits"] = "--abits",
        ["weight format"] = "--wformat",
        ["first/last format"] = "--first-last",
        ["vdd"] = "--vdd",
        ["technology node"] = "--tech",
        ["tensors"] = "--tensors",
        ["tensor dump folder"] = "--dump-tensors",
        ["calibration inputs"] = "--calib",
        ["architecture"] = "--arch",
        ["architectures"] = "--arch",
        ["grid"] = "--arch-grid",
        ["shard"] = "--shard",
        ["data folder"] = "--data",
        ["trainable network"] = "--network",
        ["width multiplier"] = "--width",
        ["fp32 epochs"] = "--epochs",
        ["qat epochs"] = "--qat-epochs",
        ["training threads"] = "--threads",
        ["batch size"] = "--batch-size",
        ["learning rate"] = "--lr",
        ["subset size"] = "--train-count",
        [SweepResume.OutputField] = "--output",
        [ReferenceSimulation.MacLimitField] = "--max-reference-macs",
    };

    /// <summary>The error with its field replaced by the option that sets it, when there is one.</summary>
    public static InputException AsOption(InputException e) =>
        e.Field is { } field && Options.TryGetValue(field, out var option) ? Renamed(e, option) : e;

    /// <summary>
    /// Runs <paramref name="body"/>; an error on library field <paramref name="field"/> names
    /// <paramref name="option"/> instead, for verbs where the usual option is not the one that set it.
    /// </summary>
    public static T Named<T>(Func<T> body, string option, string field)
    {
        try
        {
            return body();
        }
        catch (InputException e) when (e.Field == field)
        {
            throw Renamed(e, option);
        }
    }

    private static InputException Renamed(InputException e, string option) => new(e.Rule, option, e.File, e.Location, e);
}
