using HwSim.Workloads.Import.Csv;
using HwSim.Workloads.Import.Onnx;
using HwSim.Workloads.Import.ScaleSim;
using HwSim.Workloads.Zoo;

namespace HwSim.Workloads.Import;

/// <summary>
/// Resolves what a user names as a workload: a built-in network, an ONNX model, or a CSV file
/// in HwSim's or SCALE-Sim's format (told apart by the header).
/// </summary>
public static class WorkloadSource
{
    /// <summary>
    /// The workload <paramref name="source"/> names: a .onnx model (with <paramref name="onnx"/>'s
    /// overrides), a .csv file, or a built-in network; errors are <see cref="InputException"/>s
    /// naming the file and line.
    /// </summary>
    public static Workload Load(string source, OnnxReadOptions? onnx = null)
    {
        if (string.IsNullOrWhiteSpace(source))
            throw new InputException("no workload given (a network name, a .csv or a .onnx file)", "workload");
        var extension = Path.GetExtension(source).ToLowerInvariant();
        if (extension == ".onnx")
            return OnnxWorkloadReader.Read(source, onnx);
        if (extension == ".csv")
            return ReadCsv(source);
        if (NetworkZoo.Contains(source) || !File.Exists(source))
            return NetworkZoo.Get(source);
        throw new InputException("unknown file type; expected a .csv (HwSim or SCALE-Sim) or .onnx file", file: source);
    }

    /// <summary>Reads a CSV file, choosing the format from its first non-blank line.</summary>
    public static Workload ReadCsv(string path)
    {
        using var reader = CsvFiles.OpenText(path);
        var text = reader.ReadToEnd();
        var firstLine = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0)
            ?? throw new InputException("the file is empty", file: path, location: "line 1");
        var name = Path.GetFileNameWithoutExtension(path);
        if (ScaleSimTopologyReader.LooksLikeScaleSim(firstLine))
            return ScaleSimTopologyReader.Read(new StringReader(text), path, name);
        if (WorkloadCsv.LooksLikeWorkloadCsv(firstLine))
            return WorkloadCsv.Read(new StringReader(text), path, name);
        throw new InputException(
            "the header matches neither HwSim's workload CSV (name,kind,role,n,c,h,w,k,r,s,...) nor SCALE-Sim's topology CSV (Layer name, IFMAP Height, ...)",
            file: path, location: "line 1");
    }
}
