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

    /// <summary>
    /// Every verb, by name, with its factory: one line per verb. A run builds only the verb it
    /// names (start-up: the other verbs' options and the assemblies behind them, such as the
    /// quantizer's, are never touched); help and misspelt verbs get them all.
    /// </summary>
    public static IReadOnlyList<(string Name, Func<Command> Create)> Verbs { get; } =
    [
        ("networks", NetworksCommand.Create),
        ("workload", WorkloadCommand.Create),
        ("archs", Archs.ArchsCommand.Create),
        ("simulate", Simulate.SimulateCommand.Create),
        ("area", Area.AreaCommand.Create),
        ("energy", Energy.EnergyCommand.Create),
        ("table", TableVerb.TableCommand.Create),
        ("compare", Compare.CompareCommand.Create),
        ("sweep", Sweep.SweepCommand.Create),
        ("merge", Merge.MergeCommand.Create),
        ("first-last", FirstLast.FirstLastCommand.Create),
        ("width", Width.WidthCommand.Create),
        ("report", Report.ReportCommand.Create),
        ("quantize", Quantize.QuantizeCommand.Create),
    ];

    /// <summary>The root command with every verb, or with only <paramref name="verb"/> when it names one.</summary>
    public static RootCommand CreateRootCommand(string? verb = null)
    {
        var root = new RootCommand("HwSim: simulate and cost low-precision DNN accelerators.\n" +
            "Workloads are built-in networks (see 'hwsim networks'), HwSim or SCALE-Sim CSV files, or ONNX models.");
        var named = Verbs.Where(v => v.Name == verb).ToList();
        foreach (var (_, create) in named.Count == 1 ? named : Verbs)
            root.Add(create());
        root.Add(Quiet);
        // 'hwsim' alone shows what it can do rather than an error.
        root.SetAction(parse => new System.CommandLine.Help.HelpAction().Invoke(parse));
        return root;
    }

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = CreateRootCommand(args.Length > 0 ? args[0] : null);
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
