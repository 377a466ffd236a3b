namespace HwSim.Cli.Common;

/// <summary>How a verb prints its result: a table for people, CSV or JSON for scripts.</summary>
public enum OutputFormat
{
    Table,
    Csv,
    Json,
}
