using Google.Protobuf;
using Onnx;

namespace HwSim.Tests.Workloads.Import.Onnx;

/// <summary>
/// Builds small ONNX models for importer tests: graph inputs, initializers (dims only, zero
/// values), nodes with attributes, written as a real protobuf file.
/// </summary>
internal sealed class OnnxTestModel
{
    private readonly GraphProto _graph = new() { Name = "test_graph" };

    /// <summary>A float graph input; a dim is a long (fixed) or a string (symbolic).</summary>
    public OnnxTestModel Input(string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture) });
        }
        _graph.Input.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        });
        return this;
    }

    /// <summary>A float initializer of zeros with these dims.</summary>
    public OnnxTestModel Weight(string name, params long[] dims)
    {
        var count = dims.Aggregate(1L, (a, b) => a * b);
        _graph.Initializer.Add(new TensorProto
        {
            Name = name,
            Dims = { dims },
            DataType = (int)TensorProto.Types.DataType.Float,
            RawData = ByteString.CopyFrom(new byte[4 * count]),
        });
        return this;
    }

    /// <summary>A 1-D int64 initializer holding <paramref name="values"/>, as Reshape and Pad read them.</summary>
    public OnnxTestModel Int64s(string name, params long[] values)
    {
        _graph.Initializer.Add(new TensorProto
        {
            Name = name,
            Dims = { (long)values.Length },
            DataType = (int)TensorProto.Types.DataType.Int64,
            Int64Data = { values },
        });
        return this;
    }

    public OnnxTestModel Node(string op, string[] inputs, string[] outputs, string name = "", params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name, Input = { inputs }, Output = { outputs } };
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
        return this;
    }

    /// <summary>Marks <paramref name="name"/> as a graph output (shape not recorded; the importer does not read it).</summary>
    public OnnxTestModel Output(string name)
    {
        _graph.Output.Add(new ValueInfoProto { Name = name });
        return this;
    }

    public static AttributeProto Ints(string name, params long[] values) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>Writes the model (IR 8, opset 17) to <paramref name="directory"/>/<paramref name="fileName"/> and returns the path.</summary>
    public string Save(string directory, string fileName)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "HwSim.Tests", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        var path = Path.Combine(directory, fileName);
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }
}
