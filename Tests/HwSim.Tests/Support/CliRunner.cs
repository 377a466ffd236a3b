using HwSim.Cli;

namespace HwSim.Tests.Support;

/// <summary>Runs hwsim in-process, as a user would from a shell, and captures what it printed.</summary>
internal static class CliRunner
{
    public static CliResult Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = HwSimApp.Run(args, output, error);
        return new CliResult(exit, output.ToString(), error.ToString());
    }
}

internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
