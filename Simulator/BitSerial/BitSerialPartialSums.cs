namespace HwSim.Simulator.BitSerial;

/// <summary>
/// Partial sums waiting in the output buffer between the time chunks of one output tile: each is
/// drained by a fold that does not end the reduction and shifted back in by the next fold over the
/// same outputs. Whether the buffer keeps them on chip or spills them to DRAM is the memory model's
/// business; here they are values. Only final folds add into the layer's output, so nothing is
/// counted twice.
/// </summary>
internal sealed class BitSerialPartialSums
{
    private readonly Dictionary<(int Group, long M, long N), long> _sums = [];

    public void Put(int group, long m, long n, long value)
    {
        if (!_sums.TryAdd((group, m, n), value))
            throw new InvalidOperationException($"partial sum ({group}, {m}, {n}) drained twice before it was shifted back in");
    }

    public long Take(int group, long m, long n) =>
        _sums.Remove((group, m, n), out var value) ? value
            : throw new InvalidOperationException($"partial sum ({group}, {m}, {n}) shifted in before any fold drained it");
}
