namespace HwSim.Workloads.Layers;

/// <summary>
/// Where a layer sits: quantised networks keep the first and last layers at higher precision
/// (PACT, DoReFa, XNOR-Net), so the role decides which formats a precision policy gives it.
/// </summary>
public enum LayerRole
{
    First,
    Inner,
    Last,
}
