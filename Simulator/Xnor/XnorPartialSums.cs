namespace HwSim.Simulator.Xnor;

/// <summary>
/// Partial sums waiting in the output buffer between the chunks of one reduction: each is written
/// by the drain of a fold that does not end the reduction and taken by the shift-in of the next
/// fold over the same outputs (chunks run back to back). Whether the buffer keeps them on chip or
/// spills them to DRAM is the memory model's business; here they are values, each taken exactly once.
/// </summary>
internal sealed class XnorPartialSums
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
