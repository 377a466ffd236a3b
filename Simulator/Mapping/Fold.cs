namespace HwSim.Simulator.Mapping;

/// <summary>A half-open range [Start, End) of one GEMM dimension.</summary>
public readonly record struct Span(long Start, long End)
{
    public long Length => End - Start;

    public override string ToString() => $"[{Start},{End})";
}

/// <summary>
/// One fold: the part of a group GEMM that occupies the array at once. <see cref="Rows"/> and
/// <see cref="Cols"/> are the PE rows and columns it uses; M, K and N are the GEMM ranges it covers.
/// </summary>
public readonly record struct Fold(int Group, int RowFold, int ColFold, Span M, Span K, Span N, int Rows, int Cols)
{
    /// <summary>True when this fold's reduction range starts at 0 (no earlier partial sums to add).</summary>
    public bool StartsReduction => K.Start == 0;

    /// <summary>True when this fold finishes the reduction (its outputs are final).</summary>
    public bool EndsReduction(long k) => K.End == k;

    public long Macs => M.Length * K.Length * N.Length;
}
