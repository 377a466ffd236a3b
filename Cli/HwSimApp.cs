using System.CommandLine;
using HwSim.Cli.Common;
using HwSim.Cli.Networks;
using HwSim.Cli.WorkloadVerb;

namespace HwSim.Cli;

/// <summary>
/// The <c>hwsim</c> command line. Output goes to the writers given, so tests run verbs
/// in-process and read what they printed. User errors (<see cref="Workloads.InputException"/>,
/// bad options) become one red line on the error writer and exit code 2; bugs keep their
/// stack trace.
/// </summary>
public static class HwSimApp
{
    public const int ExitOk = 0;
    public const int ExitUserError = 2;

    /// <summary>--quiet on any verb: no progress or notes on stderr (errors still go there).</summary>
    public static readonly Option<bool> Quiet = new("--quiet", "-q")
    {
        Description = "No progress or notes on standard error (for scripts); errors are still reported.",
        Recursive = true,
    };

    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("HwSim: simulate and cost low-precision DNN accelerators.\n" +
            "Workloads are built-in networks (see 'hwsim networks'), HwSim or SCALE-Sim CSV files, or ONNX models.")
        {
            NetworksCommand.Create(),
            WorkloadCommand.Create(),
            Archs.ArchsCommand.Create(),
            Simulate.SimulateCommand.Create(),
            Area.AreaCommand.Create(),
            Energy.EnergyCommand.Create(),
            TableVerb.TableCommand.Create(),
            Compare.CompareCommand.Create(),
            Sweep.SweepCommand.Create(),
            Merge.MergeCommand.Create(),
            FirstLast.FirstLastCommand.Create(),
            Width.WidthCommand.Create(),
            Report.ReportCommand.Create(),
            Quantize.QuantizeCommand.Create(),
            Train.TrainCommand.Create(),
            DatasetSubset.DatasetSubsetCommand.Create(),
            Tradeoff.TradeoffCommand.Create(),
        };
        root.Add(Quiet);
        // 'hwsim' alone shows what it can do rather than an error.
        root.SetAction(parse => new System.CommandLine.Help.HelpAction().Invoke(parse));
        return root;
    }

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = CreateRootCommand();
        var parse = root.Parse(args);
        var context = new CliContext(output, error, ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected)
        {
            Quiet = parse.GetValue(Quiet),
        };
        if (parse.Errors.Count > 0)
        {
            var verb = parse.CommandResult.Command == root ? "hwsim" : $"hwsim {parse.CommandResult.Command.Name}";
            // The parser's messages may span lines ("Did you mean ..."); the user gets one line.
            var message = string.Join(" ", parse.Errors[0].Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            context.ReportError($"{message} (see '{verb} --help')");
            return ExitUserError;
        }
        CliContext.Current = context;
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
        }
        finally
        {
            CliContext.Current = null;
        }
    }
}
