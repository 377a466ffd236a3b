using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HwSim.Quantizer.Data;

namespace HwSim.Quantizer.Training;

/// <summary>A finished point as its run folder records it.</summary>
public sealed record PointOutcome(TradeoffPoint Point, string Folder, double TestAccuracy, double TrainSeconds, int Epochs);

/// <summary>
/// Runs the points of a <see cref="TradeoffGrid"/> (one shard of them, several at a time), each in its own run folder
/// under <c>OUT/points</c>, sharing the fp32 phase of a width and seed through <c>OUT/fp32</c>. A finished point
/// (its result.json written by the caller's writer) is skipped, an unfinished one resumes from its
/// checkpoint: running the same command again after a kill continues where it stopped.
/// </summary>
public static class TradeoffRunner
{
    public const string ResultFile = "result.json";

    /// <summary>
    /// Trains the points of <paramref name="shard"/> (index, count) that are not finished, <paramref name="jobs"/> at a
    /// time, then returns every finished point of the grid (in id order). <paramref name="writeOutputs"/> writes a
    /// finished run's files (it must write <see cref="ResultFile"/> last).
    /// </summary>
    public static IReadOnlyList<PointOutcome> Run(TradeoffGrid grid, ImageDataset? data, string outFolder, (int Index, int Count) shard, int jobs,
        Action<string, TrainingResult> writeOutputs, Action<TradeoffPoint, TrainProgress>? progress = null, Action<TradeoffPoint, PointOutcome>? finished = null)
    {
        var pointsFolder = Path.Combine(outFolder, "points");
        var fp32Folder = Path.Combine(outFolder, "fp32");
        Directory.CreateDirectory(pointsFolder);
        Directory.CreateDirectory(fp32Folder);
        // In id order, so the grid file says what runs first; the first point of a width and seed trains the shared
        // fp32 phase, the later ones read it (a parallel one waits for it).
        var todo = grid.Points.Where(p => p.Id % shard.Count == shard.Index && Read(p, Path.Combine(pointsFolder, p.Folder)) is null).ToList();
        if (todo.Count > 0 && data is null)
            throw new InvalidOperationException("points remain to be trained but no data set was given");
        var queue = new Queue<TradeoffPoint>(todo);
        var gate = new object();
        var sharedLocks = new Dictionary<string, object>();
        var failures = new List<Exception>();
        void Worker()
        {
            while (true)
            {
                lock (gate)
                    if (failures.Count > 0)
                        return;
                TradeoffPoint point;
                object sharedLock;
                lock (gate)
                {
                    if (!queue.TryDequeue(out point!))
                        return;
                    var key = Fp32File(fp32Folder, point.Spec);
                    if (!sharedLocks.TryGetValue(key, out sharedLock!))
                        sharedLocks[key] = sharedLock = new object();
                }
                var folder = Path.Combine(pointsFolder, point.Folder);
                // One thread per shared fp32 phase at a time: a second would train the same weights again.
                try
                {
                    TrainingResult result;
                    lock (sharedLock)
                        result = Trainer.Run(point.Spec, data!, folder, new TrainRunOptions(SharedFp32: Fp32File(fp32Folder, point.Spec),
                            Progress: progress is null ? null : p => progress(point, p)))!;
                    writeOutputs(folder, result);
                    finished?.Invoke(point, Read(point, folder)!);
                }
                catch (Exception e)
                {
                    lock (gate)
                        failures.Add(e);
                    return;
                }
            }
        }
        var threads = Enumerable.Range(0, Math.Max(1, Math.Min(jobs, todo.Count))).Select(_ => new Thread(Worker) { IsBackground = false }).ToList();
        foreach (var t in threads)
            t.Start();
        foreach (var t in threads)
            t.Join();
        if (failures.Count > 0)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failures[0]).Throw();
        return [.. grid.Points.Select(p => Read(p, Path.Combine(pointsFolder, p.Folder))).OfType<PointOutcome>()];
    }

    /// <summary>The finished outcome in <paramref name="folder"/>, or null when the point has not finished (or ran another configuration).</summary>
    public static PointOutcome? Read(TradeoffPoint point, string folder)
    {
        var path = Path.Combine(folder, ResultFile);
        if (!File.Exists(path))
            return null;
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        if (root.GetProperty("key").GetString() != point.Spec.Key)
            return null;
        return new PointOutcome(point, folder, root.GetProperty("test_accuracy").GetDouble(), root.GetProperty("train_seconds").GetDouble(), root.GetProperty("epochs").GetInt32());
    }

    private static string Fp32File(string folder, TrainingSpec spec)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(spec.Fp32Key)))[..16];
        return Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{spec.Network}-k{spec.Width:0.###}-s{spec.Seed}-{hash}.bin"));
    }
}
