using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Workloads.Import.ScaleSim;

/// <summary>
/// Reads SCALE-Sim v2 topology files, conv form (<c>Layer name, IFMAP Height, IFMAP Width,
/// Filter Height, Filter Width, Channels, Num Filter, Strides,</c>) or GEMM form (<c>Layer Name,
/// M, N, K,</c>), with SCALE-Sim's own semantics (docs/reference/scalesim/SEMANTICS.md):
/// <list type="bullet">
/// <item>every row ends with a comma and SCALE-Sim drops the last field, so a row whose last field
/// is not empty would silently lose its stride there; HwSim refuses it instead;</item>
/// <item>IFMAP sizes are already padded and the output size is ceil((H - R + s) / s); HwSim
/// expresses that as bottom/right padding so its own floor-based formula gives the same size
/// and the same MACs (AlexNet conv1: 224, 11x11, s4 gives 55, 105,415,200 MACs);</item>
/// <item>a <c>DP</c> in the name is a depthwise layer: SCALE-Sim runs one single-channel layer
/// with <c>Num Filter</c> filters per channel, i.e. a grouped conv with groups = C and
/// C x Num Filter outputs;</item>
/// <item>GEMM rows map to M x K times K x N.</item>
/// </list>
/// </summary>
public static class ScaleSimTopologyReader
{
    internal static readonly string[] ConvHeader =
        ["layer name", "ifmap height", "ifmap width", "filter height", "filter width", "channels", "num filter", "strides"];

    internal static readonly string[] GemmHeader = ["layer name", "m", "n", "k"];

    /// <summary>
    /// True when the header line (first non-blank line) starts like SCALE-Sim's ("Layer name"); a
    /// mistyped SCALE-Sim header ("Layer, ...") still goes to this reader, whose error then says
    /// what the header should be.
    /// </summary>
    public static bool LooksLikeScaleSim(string headerLine) =>
        headerLine.Split(',')[0].Trim().StartsWith("layer", StringComparison.OrdinalIgnoreCase);

    public static Workload Read(string path)
    {
        using var reader = CsvFiles.OpenText(path);
        return Read(reader, path, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Reads from a text reader; <paramref name="file"/> is used in error messages.</summary>
    public static Workload Read(TextReader text, string file, string name)
    {
        using var records = CsvFiles.Records(text, file).GetEnumerator();
        if (!records.MoveNext())
            throw new InputException("the file is empty; expected SCALE-Sim's header line", file: file, location: "line 1");
        var (headerLine, headerFields) = records.Current;
        var header = DropTrailing(headerFields).Select(h => h.Trim().ToLowerInvariant()).ToArray();
        var isGemm = header.SequenceEqual(GemmHeader);
        var isConv = header.Length is 8 or 9 && header.Take(8).SequenceEqual(ConvHeader);
        if (!isGemm && !isConv)
            throw new InputException(
                $"header is neither SCALE-Sim's topology header 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,' nor its GEMM header 'Layer Name, M, N, K,'; got '{string.Join(",", headerFields)}'",
                file: file, location: $"line {headerLine}");

        var layers = new List<LayerWorkload>();
        var lines = new Dictionary<string, string>(StringComparer.Ordinal);
        while (records.MoveNext())
        {
            var (lineNumber, raw) = records.Current;
            var line = $"line {lineNumber}";
            if (raw.Length > 1 && raw[^1].Length > 0)
                throw new InputException("the row must end with a comma: SCALE-Sim drops the last field of every row", file: file, location: line);
            var fields = DropTrailing(raw);
            LayerWorkload layer;
            try
            {
                layer = isGemm ? GemmRow(fields) : ConvRow(fields);
            }
            catch (InputException e)
            {
                throw e.At(file, line);
            }
            if (!lines.TryAdd(layer.Name, line))
                throw new InputException($"layer name '{layer.Name}' is already used on {lines[layer.Name]}; names must be unique", "Layer name", file, line);
            layers.Add(layer);
        }
        if (layers.Count == 0)
            throw new InputException("no layers after the header", file: file, location: "line 2");
        try
        {
            return new Workload(name, LayerRoles.ByPosition(layers));
        }
        catch (InputException e)
        {
            throw e.At(file);
        }
    }

    private static LayerWorkload ConvRow(string[] f)
    {
        if (f.Length is not (8 or 9))
            throw new InputException($"expected 8 fields (name, IFMAP H, IFMAP W, filter H, filter W, channels, filters, stride) and an optional stride W, got {f.Length}");
        var name = f[0].Trim();
        if (name.Length == 0)
            throw new InputException("a layer needs a name", "Layer name");
        var h = CsvFiles.PositiveInt(f[1], "IFMAP Height");
        var w = CsvFiles.PositiveInt(f[2], "IFMAP Width");
        var r = CsvFiles.PositiveInt(f[3], "Filter Height");
        var s = CsvFiles.PositiveInt(f[4], "Filter Width");
        var c = CsvFiles.PositiveInt(f[5], "Channels");
        var k = CsvFiles.PositiveInt(f[6], "Num Filter");
        var strideH = CsvFiles.PositiveInt(f[7], "Strides");
        var strideW = f.Length == 9 ? CsvFiles.PositiveInt(f[8], "Stride W") : strideH;
        if (r > h)
            throw new InputException($"filter height {r} is larger than the (already padded) IFMAP height {h}", "Filter Height");
        if (s > w)
            throw new InputException($"filter width {s} is larger than the (already padded) IFMAP width {w}", "Filter Width");

        var padding = new Padding(0, CeilModePad(h, r, strideH), 0, CeilModePad(w, s, strideW));
        var depthwise = name.Contains("DP", StringComparison.Ordinal);
        // A depthwise row has channels x filters output channels, which must fit a layer's int.
        if (depthwise && (long)c * k > int.MaxValue)
            throw new InputException($"a depthwise ('DP') row has channels x filters = {(long)c * k:N0} output channels, more than {int.MaxValue:N0}", "Num Filter");
        var shape = depthwise
            ? new LayerShape(LayerKind.Convolution, 1, c, h, w, c * k, r, s, strideH, strideW, padding, groups: c)
            : new LayerShape(LayerKind.Convolution, 1, c, h, w, k, r, s, strideH, strideW, padding);
        return new LayerWorkload(name, shape);
    }

    private static LayerWorkload GemmRow(string[] f)
    {
        if (f.Length != 4)
            throw new InputException($"expected 4 fields (name, M, N, K), got {f.Length}");
        var m = CsvFiles.PositiveInt(f[1], "M");
        var n = CsvFiles.PositiveInt(f[2], "N");
        var k = CsvFiles.PositiveInt(f[3], "K");
        return new LayerWorkload(f[0].Trim(), LayerShape.Gemm(m, k, n));
    }

    /// <summary>
    /// Padding at the far border that makes floor((H + p - R) / s) + 1 equal SCALE-Sim's
    /// ceil((H - R + s) / s): the partial last window it still schedules.
    /// </summary>
    internal static int CeilModePad(int size, int kernel, int stride)
    {
        // In long: size + 2·stride may pass int.MaxValue; the padding itself is below the stride.
        var outputs = ((long)size - kernel + stride + stride - 1) / stride;
        return (int)((outputs - 1) * stride + kernel - size);
    }

    private static string[] DropTrailing(string[] record) => record.Length > 1 ? record[..^1] : record;
}
