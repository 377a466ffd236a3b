namespace HwSim.Workloads.Zoo;
// TEMPORARY placeholder, replaced by the real table before commit.
internal static class GoogLeNet {
  public static Workload Build() => throw new NotImplementedException();
}
