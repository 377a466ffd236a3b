using System.Globalization;
using HwSim.Workloads;

namespace HwSim.Analyses.Tradeoff;

/// <summary>The tradeoff's results CSV (one row per configuration and seed) and summary CSV; reads a results CSV back (by column name, so a hand-merged or reordered file reads too).</summary>
public static class TradeoffCsv
{
    /// <summary>The results CSV's columns, in order.</summary>
    public const string CsvHeader = "id,network,method,wbits,abits,first_last,width,seed,epochs,train_images,test_images,test_accuracy,energy_uj,latency_ms,first_last_energy_share,layers_not_run,train_seconds";

    /// <summary>One row per trained point, by id.</summary>
    public static void WriteCsv(TextWriter w, IEnumerable<TradeoffRow> rows)
    {
        w.WriteLine(CsvHeader);
        foreach (var r in rows.OrderBy(r => r.Id))
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Id},{r.Network},{r.Method},{r.WeightBits},{r.InputBits},{r.FirstLast},{r.Width:0.###},{r.Seed},{r.Epochs},{r.TrainImages},{r.TestImages},{r.TestAccuracy:0.####},{r.EnergyUj:0.####},{r.LatencyMs:0.######},{r.FirstLastEnergyShare:0.####},{r.LayersNotRun},{r.TrainSeconds:0.#}"));
    }

    /// <summary>One row per configuration: accuracy over seeds beside its cost.</summary>
    public static void WriteSummaryCsv(TextWriter w, IEnumerable<TradeoffSummary> summaries)
    {
        w.WriteLine("method,wbits,abits,first_last,width,seeds,accuracy_mean,accuracy_std,accuracy_min,accuracy_max,energy_uj,latency_ms,first_last_energy_share");
        foreach (var s in summaries)
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Method},{s.WeightBits},{s.InputBits},{s.FirstLast},{s.Width:0.###},{s.Seeds},{s.AccuracyMean:0.####},{s.AccuracyStd:0.####},{s.AccuracyMin:0.####},{s.AccuracyMax:0.####},{s.EnergyUj:0.####},{s.LatencyMs:0.######},{s.FirstLastEnergyShare:0.####}"));
    }

    /// <summary>The columns a results file must have; the others of <see cref="CsvHeader"/> default to 0 / empty.</summary>
    public static IReadOnlyList<string> Required { get; } = ["method", "wbits", "abits", "first_last", "width", "seed", "epochs", "test_accuracy", "energy_uj", "latency_ms"];

    public static IReadOnlyList<TradeoffRow> Read(string path)
    {
        var lines = InputFiles.ReadAllText(path).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count == 0 || lines[0].Length == 0)
            throw new InputException("is empty; expected a header line with " + string.Join(", ", Required), null, path, "line 1");
        var header = lines[0].Split(',').Select(h => h.Trim()).ToList();
        foreach (var name in Required)
            if (!header.Contains(name))
                throw new InputException($"has no '{name}' column (needed: {string.Join(", ", Required)})", name, path, "line 1");
        var rows = new List<TradeoffRow>();
        for (var i = 1; i < lines.Count; i++)
        {
            if (lines[i].Trim().Length == 0)
                continue;
            var at = $"line {i + 1}";
            var fields = lines[i].Split(',');
            if (fields.Length != header.Count)
                throw new InputException($"has {fields.Length} fields, the header {header.Count}", null, path, at);
            string Text(string name) => header.IndexOf(name) is var c and >= 0 ? fields[c].Trim() : "";
            double Number(string name, double? fallback = null)
            {
                var text = Text(name);
                if (text.Length == 0 && fallback is { } f)
                    return f;
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
                    : throw new InputException($"must be a finite number, got '{text}'", name, path, at);
            }
            int Int(string name, int? fallback = null) => checked((int)Whole(name, fallback));
            long Whole(string name, long? fallback = null)
            {
                var text = Text(name);
                if (text.Length == 0 && fallback is { } f)
                    return f;
                return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v
                    : throw new InputException($"must be a whole number, got '{text}'", name, path, at);
            }
            var accuracy = Number("test_accuracy");
            if (accuracy is < 0 or > 1)
                throw new InputException($"must be a fraction from 0 to 1, got {accuracy}", "test_accuracy", path, at);
            rows.Add(new TradeoffRow(Int("id", i - 1), Text("network"), Text("method"), Int("wbits"), Int("abits"), Text("first_last"), Number("width"), Whole("seed"),
                Int("epochs"), Int("train_images", 0), Int("test_images", 0), accuracy, Number("energy_uj"), Number("latency_ms"),
                Number("first_last_energy_share", 0), Int("layers_not_run", 0), Number("train_seconds", 0)));
        }
        if (rows.Count == 0)
            throw new InputException("has a header but no rows", null, path, "line 2");
        return rows;
    }
}
