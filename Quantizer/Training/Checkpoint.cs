using System.Text;
using HwSim.Workloads;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Training;

/// <summary>
/// A training checkpoint: the configuration key, where training is (phase and epochs done), the optimizer's step
/// count, and named float32/int64 tensors (model state and optimizer moments), in a small binary format of this
/// project ("HWSIMCK1", little-endian). Written to a temporary file and renamed, so a kill leaves the previous one.
/// </summary>
public sealed record Checkpoint(string Key, int Phase, int EpochsDone, long OptimizerSteps, IReadOnlyDictionary<string, Tensor> Tensors)
{
    private const string Magic = "HWSIMCK1";

    public static void Write(string path, string key, int phase, int epochsDone, long steps, IEnumerable<(string Name, Tensor Value)> tensors)
    {
        var temporary = path + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temporary), Encoding.UTF8))
        {
            writer.Write(Encoding.ASCII.GetBytes(Magic));
            writer.Write(key);
            writer.Write(phase);
            writer.Write(epochsDone);
            writer.Write(steps);
            var list = tensors.ToList();
            writer.Write(list.Count);
            foreach (var (name, value) in list)
            {
                using var cpu = value.detach().contiguous();
                writer.Write(name);
                writer.Write(checked((int)cpu.dim()));
                foreach (var d in cpu.shape)
                    writer.Write(d);
                switch (cpu.dtype)
                {
                    case ScalarType.Float32:
                        writer.Write((byte)0);
                        foreach (var f in cpu.data<float>())
                            writer.Write(f);
                        break;
                    case ScalarType.Int64:
                        writer.Write((byte)1);
                        foreach (var l in cpu.data<long>())
                            writer.Write(l);
                        break;
                    default:
                        throw new NotSupportedException($"checkpoint tensor {name} is {cpu.dtype}");
                }
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a checkpoint; a damaged or foreign file is an <see cref="InputException"/> naming it.</summary>
    public static Checkpoint Read(string path)
    {
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (Encoding.ASCII.GetString(reader.ReadBytes(Magic.Length)) != Magic)
                throw new InputException($"not a HwSim training checkpoint (no {Magic} header)", "checkpoint", path);
            var key = reader.ReadString();
            var phase = reader.ReadInt32();
            var epochs = reader.ReadInt32();
            var steps = reader.ReadInt64();
            var count = reader.ReadInt32();
            var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var rank = reader.ReadInt32();
                var shape = new long[rank];
                long n = 1;
                for (var d = 0; d < rank; d++)
                {
                    shape[d] = reader.ReadInt64();
                    n = checked(n * shape[d]);
                }
                var kind = reader.ReadByte();
                Tensor t;
                if (kind == 0)
                {
                    var values = new float[n];
                    for (long j = 0; j < n; j++)
                        values[j] = reader.ReadSingle();
                    t = tensor(values).reshape(shape);
                }
                else
                {
                    var values = new long[n];
                    for (long j = 0; j < n; j++)
                        values[j] = reader.ReadInt64();
                    t = tensor(values).reshape(shape);
                }
                tensors[name] = t.DetachFromDisposeScope();
            }
            return new Checkpoint(key, phase, epochs, steps, tensors);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or UnauthorizedAccessException or OverflowException)
        {
            throw new InputException($"cannot read the checkpoint: {e.Message}", "checkpoint", path, inner: e);
        }
    }

    /// <summary>Copies the saved tensors whose names the model has into the model (parameters and buffers).</summary>
    public static void LoadModel(nn.Module model, IReadOnlyDictionary<string, Tensor> saved, bool requireAll)
    {
        using var _ = no_grad();
        foreach (var (name, target) in model.state_dict())
        {
            if (saved.TryGetValue("model." + name, out var value))
                target.copy_(value);
            else if (requireAll)
                throw new InvalidDataException($"the checkpoint has no model.{name}");
        }
    }

    /// <summary>The model's state as named tensors (prefix "model.").</summary>
    public static IEnumerable<(string Name, Tensor Value)> ModelState(nn.Module model) =>
        model.state_dict().Select(kv => ("model." + kv.Key, kv.Value));
}
