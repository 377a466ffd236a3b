namespace HwSim.Workloads.Import.Csv;

/// <summary>Writing CSV cells by RFC 4180, for every CSV HwSim writes.</summary>
public static class CsvText
{
    /// <summary>
    /// The cell as written: quoted (inner quotes doubled) when it holds a comma, a quote or a line
    /// break, which names taken from files and ONNX models may; otherwise as it is.
    /// </summary>
    public static string Field(string s) =>
        s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
