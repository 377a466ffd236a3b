using System.Globalization;
using CsvHelper;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using Col = HwSim.Workloads.Import.Csv.WorkloadCsvColumns;

namespace HwSim.Workloads.Import.Csv;

/// <summary>
/// HwSim's own workload CSV: one row per layer with every field of <see cref="LayerWorkload"/>.
/// Writing then reading gives back an equal workload. The first line,
/// <c># hwsim-workload v1: NAME</c>, carries the workload's name; without it the file name is used.
/// </summary>
public static class WorkloadCsv
{
    /// <summary>True when the first line is HwSim's banner or its header starts with the name column.</summary>
    public static bool LooksLikeWorkloadCsv(string firstLine) =>
        firstLine.StartsWith(Col.Banner.TrimEnd(), StringComparison.Ordinal)
        || firstLine.Split(',')[0].Trim().Equals(Col.Name, StringComparison.OrdinalIgnoreCase);

    public static void Write(Workload workload, TextWriter text)
    {
        using var csv = CsvWriter.Create(text, new CsvWriterOptions { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true);
        text.Write(Col.Banner);
        text.Write(workload.Name.ReplaceLineEndings(" "));
        text.Write('\n');
        var histograms = workload.Layers.Any(l => l.Statistics is { InputPopcountHistogram: not null } or { InputPrecisionHistogram: not null });
        csv.WriteHeader(histograms ? [.. Col.Written, .. Col.WrittenWhenPresent] : Col.Written);
        foreach (var layer in workload.Layers)
        {
            foreach (var field in Fields(layer))
                csv.WriteField(field);
            if (histograms)
            {
                csv.WriteField(layer.Statistics?.InputPopcountHistogram?.ToString() ?? "");
                csv.WriteField(layer.Statistics?.InputPrecisionHistogram?.ToString() ?? "");
            }
            csv.EndRecord();
        }
        csv.Flush();
    }

    private static IEnumerable<string> Fields(LayerWorkload l)
    {
        var s = l.Shape;
        var st = l.Statistics;
        return
        [
            l.Name, KindName(s.Kind), RoleName(l.Role), I(s.Batch), I(s.Channels), I(s.Height), I(s.Width), I(s.Filters), I(s.KernelHeight), I(s.KernelWidth),
            I(s.StrideH), I(s.StrideW), I(s.Padding.Top), I(s.Padding.Bottom), I(s.Padding.Left), I(s.Padding.Right), I(s.DilationH), I(s.DilationW), I(s.Groups),
            I(s.OutputHeight), I(s.OutputWidth), I(l.Macs), I(l.Parameters),
            l.Precision.Weight.Name, l.Precision.Input.Name, l.Precision.Accumulator.Name, l.Precision.Output.Name,
            B(l.IsDownsample), B(l.HasBias), B(l.HasBatchNorm), l.Unit ?? "",
            D(st?.WeightSparsity), D(st?.InputSparsity), D(st?.WeightNonZeroBits), D(st?.InputNonZeroBits),
            D(st?.WeightAlpha), D(st?.InputAlpha), st?.OutputSqnrDb is { } sqnr && double.IsPositiveInfinity(sqnr) ? "inf" : D(st?.OutputSqnrDb),
        ];
    }

    public static Workload Read(string path)
    {
        using var reader = CsvFiles.OpenText(path);
        return Read(reader, path, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Reads a workload; <paramref name="file"/> names the source in errors, <paramref name="defaultName"/> is used without a banner.</summary>
    public static Workload Read(TextReader text, string file, string defaultName)
    {
        var name = defaultName;
        var first = text.ReadLine();
        var lineOffset = 0;
        var rest = text;
        if (first is not null && first.StartsWith(Col.Banner.TrimEnd(), StringComparison.Ordinal))
        {
            var n = first[Col.Banner.TrimEnd().Length..].Trim();
            if (n.Length > 0) name = n;
            lineOffset = 1;
        }
        else if (first is not null)
        {
            rest = new StringReader(first + "\n" + text.ReadToEnd());
        }

        using var records = CsvFiles.Records(rest, file, comments: true).GetEnumerator();
        if (!records.MoveNext())
            throw new InputException($"no header line; expected columns {string.Join(",", Col.Written)}", file: file, location: $"line {1 + lineOffset}");
        var (headerLine, headerFields) = records.Current;
        var columns = Header(headerFields, file, $"line {headerLine + lineOffset}");

        var layers = new List<LayerWorkload>();
        var lines = new Dictionary<string, string>(StringComparer.Ordinal);
        (int Batch, string Line)? batch = null;
        var anyRole = columns.ContainsKey(Col.Role);
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            var location = $"line {line + lineOffset}";
            if (fields.Length != headerFields.Length)
                throw new InputException($"the row has {fields.Length} fields but the header has {headerFields.Length}", file: file, location: location);
            LayerWorkload layer;
            try
            {
                layer = Row(new RowReader(columns, fields));
            }
            catch (InputException e)
            {
                throw e.At(file, location);
            }
            if (!lines.TryAdd(layer.Name, location))
                throw new InputException($"layer name '{layer.Name}' is already used on {lines[layer.Name]}; names must be unique", Col.Name, file, location);
            if (layer.Kind != LayerKind.Gemm)
            {
                batch ??= (layer.Shape.Batch, location);
                if (layer.Shape.Batch != batch.Value.Batch)
                    throw new InputException($"batch {layer.Shape.Batch} differs from the batch {batch.Value.Batch} on {batch.Value.Line}; every layer of a workload runs on the same batch", Col.N, file, location);
            }
            layers.Add(layer);
        }
        if (layers.Count == 0)
            throw new InputException("no layers after the header", file: file, location: $"line {headerLine + lineOffset + 1}");
        try
        {
            return new Workload(name, anyRole ? layers : LayerRoles.ByPosition(layers));
        }
        catch (InputException e)
        {
            throw e.At(file);
        }
    }

    private static Dictionary<string, int> Header(string[] fields, string file, string location)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Length; i++)
        {
            var c = fields[i].Trim().ToLowerInvariant();
            if (!Col.Known.Contains(c))
                throw new InputException($"unknown column '{fields[i]}' (known: {string.Join(", ", Col.Written.Concat(Col.WrittenWhenPresent))}, or stride/pad/dilation for both directions)", file: file, location: location, field: fields[i]);
            if (!columns.TryAdd(c, i))
                throw new InputException($"column '{c}' appears twice", file: file, location: location, field: c);
        }
        foreach (var required in Col.Required)
            if (!columns.ContainsKey(required))
                throw new InputException($"missing column '{required}' (required: {string.Join(", ", Col.Required)})", file: file, location: location, field: required);
        return columns;
    }

    private static LayerWorkload Row(RowReader row)
    {
        var kind = row.Text(Col.Kind) is { Length: > 0 } k ? ParseKind(k) : LayerKind.Convolution;
        var padding = new Padding(row.Directional(Col.PadTop, Col.Pad, 0), row.Directional(Col.PadBottom, Col.Pad, 0),
            row.Directional(Col.PadLeft, Col.Pad, 0), row.Directional(Col.PadRight, Col.Pad, 0));
        var shape = new LayerShape(kind, row.Int(Col.N, 1), row.Int(Col.C), row.Int(Col.H), row.Int(Col.W), row.Int(Col.K), row.Int(Col.R), row.Int(Col.S),
            row.Directional(Col.StrideH, Col.Stride, 1), row.Directional(Col.StrideW, Col.Stride, 1), padding,
            row.Directional(Col.DilationH, Col.Dilation, 1), row.Directional(Col.DilationW, Col.Dilation, 1), row.Int(Col.Groups, 1));

        var weight = row.Format(Col.WeightFormat) ?? NumberFormat.Fp32;
        var input = row.Format(Col.InputFormat) ?? NumberFormat.Fp32;
        var precision = new OperandPrecision(weight, input,
            row.Format(Col.AccumulatorFormat) ?? OperandPrecision.AccumulatorFor(weight, input, shape.GemmK),
            row.Format(Col.OutputFormat) ?? input);
        var statistics = new ValueStatistics(row.Double(Col.WeightSparsity), row.Double(Col.InputSparsity),
            row.Double(Col.WeightNonZeroBits), row.Double(Col.InputNonZeroBits), row.Double(Col.WeightAlpha), row.Double(Col.InputAlpha),
            row.Text(Col.SqnrDb).Trim().Equals("inf", StringComparison.OrdinalIgnoreCase) ? double.PositiveInfinity : row.Double(Col.SqnrDb))
        {
            InputPopcountHistogram = CodeHistogram.Parse(row.Text(Col.InputPopcountHist), Col.InputPopcountHist),
            InputPrecisionHistogram = CodeHistogram.Parse(row.Text(Col.InputPrecisionHist), Col.InputPrecisionHist),
        };
        var layer = new LayerWorkload(row.Text(Col.Name), shape, precision,
            row.Text(Col.Role) is { Length: > 0 } r ? ParseRole(r) : LayerRole.Inner,
            row.Bool(Col.Downsample), row.Bool(Col.Bias), row.Bool(Col.BatchNorm), statistics.IsEmpty ? null : statistics, row.Text(Col.Unit));

        row.Check(Col.P, shape.OutputHeight);
        row.Check(Col.Q, shape.OutputWidth);
        row.Check(Col.Macs, layer.Macs);
        row.Check(Col.Params, layer.Parameters);
        return layer;
    }

    public static string KindName(LayerKind kind) => kind switch
    {
        LayerKind.Convolution => "conv",
        LayerKind.FullyConnected => "fc",
        LayerKind.Gemm => "gemm",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string RoleName(LayerRole role) => role.ToString().ToLowerInvariant();

    private static LayerKind ParseKind(string text) => text.Trim().ToLowerInvariant() switch
    {
        "conv" or "convolution" => LayerKind.Convolution,
        "fc" or "fully_connected" or "linear" => LayerKind.FullyConnected,
        "gemm" or "matmul" => LayerKind.Gemm,
        _ => throw new InputException($"unknown layer kind '{text}' (expected conv, fc or gemm)", Col.Kind),
    };

    private static LayerRole ParseRole(string text) => text.Trim().ToLowerInvariant() switch
    {
        "first" => LayerRole.First,
        "inner" => LayerRole.Inner,
        "last" => LayerRole.Last,
        _ => throw new InputException($"unknown role '{text}' (expected first, inner or last)", Col.Role),
    };

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string B(bool value) => value ? "true" : "false";

    // "R" round-trips every double exactly.
    private static string D(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    /// <summary>Field access by column name with defaults for absent columns and errors that name the column.</summary>
    private readonly struct RowReader(Dictionary<string, int> columns, string[] fields)
    {
        public string Text(string column) => columns.TryGetValue(column, out var i) ? fields[i].Trim() : "";

        public int Int(string column) => CsvFiles.Int(Text(column), column);

        public int Int(string column, int fallback) => Text(column) is { Length: > 0 } t ? CsvFiles.Int(t, column) : fallback;

        /// <summary>
        /// A per-direction field (stride_h) that a shorthand column (stride) may give for all
        /// directions: both filled with different values is a conflict, not a silent choice.
        /// </summary>
        public int Directional(string column, string shorthand, int fallback)
        {
            var all = Int(shorthand, fallback);
            if (Text(column) is not { Length: > 0 })
                return all;
            var one = Int(column);
            if (Text(shorthand) is { Length: > 0 } && one != all)
                throw new InputException($"'{shorthand}' is {all} but '{column}' is {one}; give one of them, or the same value", column);
            return one;
        }

        public double? Double(string column) => CsvFiles.OptionalDouble(Text(column), column);

        public bool Bool(string column) => CsvFiles.Bool(Text(column), column);

        public NumberFormat? Format(string column) => Text(column) is { Length: > 0 } t ? NumberFormat.Parse(t, column) : null;

        /// <summary>A derived column, when present and filled, must agree with what the shape gives.</summary>
        public void Check(string column, long expected)
        {
            if (Text(column) is not { Length: > 0 } t)
                return;
            var given = CsvFiles.Long(t, column);
            if (given != expected)
                throw new InputException($"the file says {given} but the layer's shape gives {expected}", column);
        }
    }
}
