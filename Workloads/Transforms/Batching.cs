using HwSim.Workloads.Shapes;

namespace HwSim.Workloads.Transforms;

/// <summary>
/// Runs a network on a batch of N inputs: every convolution and fully connected layer takes N
/// images (rows) instead of its own, so MACs, activations and "per inference" figures follow.
/// Weights are shared by the batch, so parameters do not change.
/// </summary>
public static class Batching
{
    /// <summary>
    /// The workload with every layer at batch <paramref name="batch"/>. A plain GEMM layer holds
    /// its batch inside M (one product of an M x K and a K x N matrix), so a workload with one
    /// cannot be re-batched: that is an <see cref="InputException"/> naming the layer (field "batch").
    /// </summary>
    public static Workload Apply(Workload workload, int batch)
    {
        ArgumentNullException.ThrowIfNull(workload);
        if (batch < 1)
            throw new InputException($"must be at least 1, got {batch}", "batch");
        try
        {
            return Rebatch(workload, batch);
        }
        catch (InputException e) when (e.Field != "batch")
        {
            throw new InputException($"at batch {batch:N0}: {e.Rule}", "batch", inner: e);
        }
    }

    private static Workload Rebatch(Workload workload, int batch) =>
        workload.Map(layer =>
        {
            if (layer.Shape.Kind == LayerKind.Gemm)
                throw new InputException($"layer '{layer.Name}' is a plain GEMM (M x K by K x N), whose batch is part of M; the batch of such a workload cannot be changed", "batch");
            try
            {
                return layer with { Shape = layer.Shape with { Batch = batch } };
            }
            catch (InputException e)
            {
                var rule = e.Rule.StartsWith($"layer '{layer.Name}'", StringComparison.Ordinal) ? e.Rule : $"layer '{layer.Name}': {e.Rule}";
                throw new InputException($"at batch {batch:N0}, {rule}", "batch", inner: e);
            }
        });
}
