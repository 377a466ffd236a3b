namespace HwSim.Workloads.Layers;

/// <summary>Role assignment for imported networks that do not say which layer is first or last.</summary>
public static class LayerRoles
{
    /// <summary>The first layer First, the last Last (a one-layer workload is First), the rest Inner.</summary>
    public static IEnumerable<LayerWorkload> ByPosition(IReadOnlyList<LayerWorkload> layers) =>
        layers.Select((l, i) => l with { Role = i == 0 ? LayerRole.First : i == layers.Count - 1 ? LayerRole.Last : LayerRole.Inner });
}
