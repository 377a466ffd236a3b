using System.Globalization;

namespace HwSim.Cli.Common;

/// <summary>Number formatting for tables (grouped digits) and machine output (plain invariant digits).</summary>
internal static class Numbers
{
    public static string Grouped(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Plain(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Percent(double fraction) => (100 * fraction).ToString("0.00", CultureInfo.InvariantCulture) + " %";
}
