using Google.Protobuf;
using Onnx;

namespace HwSim.Workloads.Import.Onnx;

/// <summary>
/// Reads an .onnx file into a <see cref="ModelProto"/>, turning every way that can fail into one
/// message naming the file; shared by the shape importer and the quantizer's executor.
/// </summary>
public static class OnnxModelFile
{
    public static ModelProto Read(string path)
    {
        if (!File.Exists(path))
            throw new InputException("file not found", null, path);
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InputException($"not a valid ONNX model (protobuf ModelProto): {e.Message}", null, path, inner: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot read the file: {e.Message}", null, path, inner: e);
        }
        // Protobuf accepts many byte strings as a message with unknown fields; a model must at least have a graph.
        if (model.Graph is not { Node.Count: > 0 })
            throw new InputException("not a valid ONNX model: it has no graph nodes", null, path);
        return model;
    }

    /// <summary>
    /// The default-domain opset the model imports. A model without opset_import predates IR version 3,
    /// when every model used opset 1.
    /// </summary>
    public static long Opset(ModelProto model) =>
        model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();
}
