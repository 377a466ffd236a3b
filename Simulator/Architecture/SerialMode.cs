namespace HwSim.Simulator.Architecture;

/// <summary>Which operands a bit-serial array consumes one bit per cycle.</summary>
public enum SerialMode
{
    /// <summary>Stripes: weights bit-parallel, activations one bit-plane per cycle (a_bits cycles per dot step).</summary>
    Activations,
    /// <summary>Loom/BISMO: both operands serial, one bit-plane pair per cycle (w_bits x a_bits cycles per dot step).</summary>
    Both,
}
