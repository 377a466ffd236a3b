using System.CommandLine;
using HwSim.Cli.Common;
using HwSim.Cli.Networks;
using HwSim.Cli.WorkloadVerb;
using HwSim.Workloads;

namespace HwSim.Cli;

/// <summary>
/// The <c>hwsim</c> command line. Output goes to the writers given, so tests run verbs
/// in-process and read what they printed. User errors (<see cref="Workloads.InputException"/>,
/// bad options, a full or closed standard output) become one red line on the error writer and
/// exit code 2; bugs keep their stack trace.
/// </summary>
public static partial class HwSimApp
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
        ("nest", Nest.NestCommand.Create),
        ("table", TableVerb.TableCommand.Create),
        ("compare", Compare.CompareCommand.Create),
        ("datapaths", Datapaths.DatapathsCommand.Create),
        ("sweep", Sweep.SweepCommand.Create),
        ("merge", Merge.MergeCommand.Create),
        ("first-last", FirstLast.FirstLastCommand.Create),
        ("width", Width.WidthCommand.Create),
        ("report", Report.ReportCommand.Create),
        ("quantize", Quantize.QuantizeCommand.Create),
        ("train", Train.TrainCommand.Create),
        ("dataset-subset", DatasetSubset.DatasetSubsetCommand.Create),
        ("tradeoff", Tradeoff.TradeoffCommand.Create),
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

    /// <summary>
    /// The parser names the .NET type a value failed to convert to ("System.Nullable`1[System.Int32]");
    /// the user is told what to write instead.
    /// </summary>
    internal static string Readable(string parserMessage)
    {
        var m = CannotParse().Match(parserMessage);
        if (!m.Success)
            return parserMessage;
        var type = m.Groups["type"].Value;
        var expected = type.Contains("Int32", StringComparison.Ordinal) || type.Contains("Int64", StringComparison.Ordinal) ? "a whole number"
            : type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal) || type.Contains("Decimal", StringComparison.Ordinal) ? "a number"
            : "a value of the right kind";
        return $"{m.Groups["option"].Value}: '{m.Groups["value"].Value}' is not {expected}";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?:option|command|argument) '(?<option>[^']*)' as expected type '(?<type>[^']*)'\.?")]
    private static partial System.Text.RegularExpressions.Regex CannotParse();

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = CreateRootCommand(args.Length > 0 ? args[0] : null);
        var parse = root.Parse(args);
        var terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        output = new GuardedOutput(output);
        var context = new CliContext(output, error, terminal)
        {
            Quiet = parse.GetValue(Quiet),
        };
        if (parse.Errors.Count > 0)
        {
            var verb = parse.CommandResult.Command == root ? "hwsim" : $"hwsim {parse.CommandResult.Command.Name}";
            // The parser's messages may span lines ("Did you mean ..."); the user gets one line.
            var message = Readable(string.Join(" ", parse.Errors[0].Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            context.ReportError($"{message} (see '{verb} --help')");
            return ExitUserError;
        }
        CliContext.Current = context;
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (InputException e)
        {
            // Verbs turn their own (CliContext.Guard); this catches the parser's help and version text failing to reach a full or closed output.
            context.ReportError(e.Message);
            return ExitUserError;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // What System.CommandLine's default handler does: a bug keeps its stack trace, exit code 1.
            error.WriteLine($"Unhandled exception: {e}");
            return 1;
        }
        finally
        {
            CliContext.Current = null;
        }
    }
}
