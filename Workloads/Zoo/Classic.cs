namespace HwSim.Workloads.Zoo;
// TEMPORARY placeholder, replaced by the real table before commit.
internal static class Classic {
  public static Workload AlexNet() => throw new NotImplementedException();
  public static Workload Vgg16() => throw new NotImplementedException();
}
