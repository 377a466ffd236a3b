using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace HwSim.Quantizer.Tests.Onnx;

/// <summary>Builds small ONNX models in memory and runs files through ONNX Runtime, the reference the executor is checked against.</summary>
internal static class OnnxTestModels
{
    public static ModelProto Model(long opset, long[] input, IEnumerable<NodeProto> nodes, IEnumerable<TensorProto> initializers, string output = "y")
    {
        var graph = new GraphProto { Name = "test" };
        graph.Node.AddRange(nodes);
        graph.Initializer.AddRange(initializers);
        graph.Input.Add(Value("x", input));
        graph.Output.Add(Value(output, null));
        var model = new ModelProto { IrVersion = opset >= 7 ? 7 : 3, ProducerName = "hwsim-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    public static ValueInfoProto Value(string name, long[]? dims)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float };
        if (dims is not null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (var d in dims)
                tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    public static NodeProto Node(string op, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>A float32 initializer of seeded values in [-1, 1); <paramref name="raw"/> picks raw_data over float_data.</summary>
    public static TensorProto Weights(string name, long[] dims, int seed, bool raw = false)
    {
        var random = new Random(seed);
        var count = dims.Aggregate(1L, (p, d) => p * d);
        var values = Enumerable.Range(0, (int)count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        return Floats(name, dims, values, raw);
    }

    public static TensorProto Floats(string name, long[] dims, float[] values, bool raw = false)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        if (raw)
            t.RawData = ByteString.CopyFrom(values.SelectMany(BitConverter.GetBytes).ToArray());
        else
            t.FloatData.AddRange(values);
        return t;
    }

    public static TensorProto Int64s(string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.RawData = ByteString.CopyFrom(values.SelectMany(BitConverter.GetBytes).ToArray());
        return t;
    }

    public static string Write(ModelProto model, string folder, string name)
    {
        var path = Path.Combine(folder, name + ".onnx");
        using var stream = File.Create(path);
        model.WriteTo(stream);
        return path;
    }

    /// <summary>Runs the model's first output in ONNX Runtime on one input.</summary>
    public static float[] RunOrt(InferenceSession session, float[] data, long[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(data, shape);
        using var options = new RunOptions();
        var inputs = new Dictionary<string, OrtValue> { [session.InputMetadata.Keys.First()] = value };
        using var results = session.Run(options, inputs, [session.OutputMetadata.Keys.First()]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public static float[] RunOrt(string path, float[] data, long[] shape)
    {
        using var session = new InferenceSession(path);
        return RunOrt(session, data, shape);
    }

    /// <summary>Seeded values in [-2, 2).</summary>
    public static float[] Random(long count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, (int)count).Select(_ => (float)(random.NextDouble() * 4 - 2))];
    }
}
