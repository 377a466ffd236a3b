namespace HwSim.Workloads.Zoo;
// TEMPORARY placeholder, replaced by the real table before commit.
internal static class MobileNet {
  public static Workload V1() => throw new NotImplementedException();
  public static Workload V2() => throw new NotImplementedException();
}
