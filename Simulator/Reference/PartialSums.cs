namespace HwSim.Simulator.Reference;

/// <summary>
/// Partial sums waiting in the output buffer between the folds of one layer that split a
/// reduction (systolic ws/is row folds over K; time chunks of K on every kind): each is written
/// by the fold that leaves the reduction unfinished and taken, exactly once, by the next fold
/// over the same outputs. Whether the buffer keeps them on chip or spills them to DRAM is the
/// memory model's business; here they are values. Only final folds add into the layer's output,
/// so nothing is counted twice. Shared by the reference models of every array kind.
/// </summary>
internal sealed class PartialSums
{
    private readonly Dictionary<(int Group, long M, long N), long> _sums = [];

    public void Put(int group, long m, long n, long value)
    {
        if (!_sums.TryAdd((group, m, n), value))
            throw new InvalidOperationException($"partial sum ({group}, {m}, {n}) written twice before it was read back");
    }

    public long Take(int group, long m, long n) =>
        _sums.Remove((group, m, n), out var value) ? value
            : throw new InvalidOperationException($"partial sum ({group}, {m}, {n}) read back before any fold wrote it");
}
