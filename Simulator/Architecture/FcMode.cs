namespace HwSim.Simulator.Architecture;

/// <summary>
/// How a bit-serial unit runs a fold of one window (M = 1 in the fold: a fully connected layer at
/// batch 1), where the window mapping of Simulator/README.md §2 uses one row of the array
/// (<c>fc_mode:</c>, Simulator/README.md §3 "Fully connected mode").
/// </summary>
public enum FcMode
{
    /// <summary>Every fold as §2 lays it: the one window on row 0, the other rows idle.</summary>
    Windows,
    /// <summary>
    /// Stripes' fully connected mode: the fold's dot steps go to the rows in turn, one issued per
    /// cycle, and the rows' partial sums are added on the way down the drain chain. Source: DNNsim
    /// (github.com/isakedo/DNNsim, the Stripes authors' group): OutputStationary.cpp's linear mode
    /// deals each 16-channel group to the next window column in turn, and Stripes.cpp charges each
    /// column its precision in cycles per group while a new group is issued every cycle.
    /// </summary>
    Multiplex,
}
