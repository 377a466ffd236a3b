namespace HwSim.Workloads.Import.Onnx;
// TEMPORARY placeholder, replaced by the real reader before commit.
public sealed record OnnxReadOptions(int? Batch = null, int? Height = null, int? Width = null);
public static class OnnxWorkloadReader { public static Workload Read(string path, OnnxReadOptions? options = null) => throw new NotImplementedException(); }
