using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace HwSim.Analyses.Sweep;

/// <summary>
/// Computes a set of sweep points on <c>jobs</c> threads. Points that share a simulation (they
/// differ only in technology node) go to the evaluator together; rows are collected as they
/// complete, in any order, and read back sorted by id, so the output never depends on timing.
/// </summary>
public sealed class SweepRun
{
    private readonly SweepDefinition _sweep;
    private readonly IPointEvaluator _evaluator;
    private readonly int _jobs;
    private readonly List<long[]> _groups;
    private readonly ConcurrentDictionary<long, SweepRow> _rows = new();
    private readonly ConcurrentDictionary<long, string> _notRun = new();
    private long _completed;

    /// <param name="ids">The points to compute, each a valid id of <paramref name="sweep"/>.</param>
    /// <param name="jobs">Threads to use, at least 1.</param>
    public SweepRun(SweepDefinition sweep, IEnumerable<long> ids, IPointEvaluator evaluator, int jobs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        _sweep = sweep;
        _evaluator = evaluator;
        _jobs = jobs;
        _groups = [.. ids.Order().GroupBy(sweep.SimulationKey).Select(g => g.ToArray())];
        Total = _groups.Sum(g => g.Length);
    }

    /// <summary>Points this run computes.</summary>
    public int Total { get; }

    /// <summary>Points computed so far (safe to read from any thread).</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>The rows computed so far, in no particular order.</summary>
    public IReadOnlyCollection<SweepRow> Rows => [.. _rows.Values];

    /// <summary>The points computed so far that left layers not run, with the first such layer and why.</summary>
    public IReadOnlyDictionary<long, string> NotRun => new SortedDictionary<long, string>(_notRun);

    /// <summary>
    /// Starts computing on the thread pool. The task faults with the evaluator's exception (the
    /// first <see cref="Workloads.InputException"/> if any, unwrapped) or ends cancelled when
    /// <paramref name="cancel"/> fires; threads stop between configurations, and the rows computed
    /// until then stay in <see cref="Rows"/>.
    /// </summary>
    public Task Start(CancellationToken cancel) => Task.Run(() =>
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = _jobs, CancellationToken = cancel };
        try
        {
            // NoBuffering: a thread takes one configuration at a time, so the threads stay busy to the end
            // even when configurations differ a lot in cost (a 8x8 array simulates slower than a 64x64 one).
            Parallel.ForEach(Partitioner.Create(_groups, EnumerablePartitionerOptions.NoBuffering), options, group =>
            {
                var points = group.Select(_sweep.Point).ToList();
                foreach (var (point, result) in _evaluator.Evaluate(_sweep, points))
                {
                    _rows[point.Id] = new SweepRow(point.Id, SweepCsv.Row(_sweep, point, result));
                    if (result.FirstNotRun is { } why)
                        _notRun[point.Id] = why;
                    Interlocked.Increment(ref _completed);
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is Workloads.InputException) is { } input)
        {
            ExceptionDispatchInfo.Capture(input).Throw();
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }, cancel);

    /// <summary>Computes <paramref name="ids"/> and returns their rows sorted by id (benchmarks, tests).</summary>
    public static IReadOnlyList<SweepRow> Compute(SweepDefinition sweep, IEnumerable<long> ids, IPointEvaluator evaluator, int jobs)
    {
        var run = new SweepRun(sweep, ids, evaluator, jobs);
        run.Start(CancellationToken.None).GetAwaiter().GetResult();
        return [.. run.Rows.OrderBy(r => r.Id)];
    }
}
