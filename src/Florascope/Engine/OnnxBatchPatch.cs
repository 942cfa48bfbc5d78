namespace Florascope.Engine;

/// <summary>
/// Rewrites an ONNX model's protobuf so that the first (batch) dimension of its graph inputs and
/// outputs is symbolic. The shipped ResNet18 fixes it to 1; a dynamic batch lets several views or
/// images go through the network in one run. Only the shape declarations change: weights and
/// nodes are copied byte for byte. Intermediate <c>value_info</c> hints are dropped because they
/// repeat the fixed batch size and ONNX Runtime re-infers them.
/// </summary>
internal static class OnnxBatchPatch
{
    // Field numbers from onnx.proto.
    private const int ModelGraph = 7;
    private const int GraphNode = 1, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12, GraphValueInfo = 13;
    private const int ValueInfoName = 1, ValueInfoType = 2;
    private const int TypeTensor = 1, TensorShape = 2, ShapeDim = 1, DimValue = 1, DimParam = 2;
    private const int NodeOpType = 4;

    public static byte[] MakeBatchDynamic(ReadOnlySpan<byte> model, ISet<string> tensorNames)
    {
        var w = new ProtoWriter(model.Length + 64);
        foreach (var f in ProtoReader.Fields(model))
        {
            if (f.Number == ModelGraph && f.WireType == 2)
                w.WriteBytes(ModelGraph, PatchGraph(f.Bytes(model), tensorNames));
            else
                w.WriteRaw(f.Raw(model));
        }
        return w.ToArray();
    }

    /// <summary>Op types of the graph's nodes, in order (used by tests and diagnostics).</summary>
    public static List<string> OpTypes(ReadOnlySpan<byte> model)
    {
        var ops = new List<string>();
        foreach (var f in ProtoReader.Fields(model))
        {
            if (f.Number != ModelGraph) continue;
            var graph = f.Bytes(model);
            foreach (var g in ProtoReader.Fields(graph))
            {
                if (g.Number != GraphNode) continue;
                var node = g.Bytes(graph);
                foreach (var n in ProtoReader.Fields(node))
                    if (n.Number == NodeOpType) ops.Add(System.Text.Encoding.UTF8.GetString(n.Bytes(node)));
            }
        }
        return ops;
    }

    private static byte[] PatchGraph(ReadOnlySpan<byte> graph, ISet<string> names)
    {
        var w = new ProtoWriter(graph.Length);
        foreach (var f in ProtoReader.Fields(graph))
        {
            switch (f.Number)
            {
                case GraphValueInfo:
                    break;
                case GraphInput or GraphOutput when f.WireType == 2:
                    var vi = f.Bytes(graph);
                    w.WriteBytes(f.Number, names.Contains(ValueInfoNameOf(vi)) ? PatchValueInfo(vi) : vi.ToArray());
                    break;
                case GraphInitializer:
                default:
                    w.WriteRaw(f.Raw(graph));
                    break;
            }
        }
        return w.ToArray();
    }

    private static string ValueInfoNameOf(ReadOnlySpan<byte> vi)
    {
        foreach (var f in ProtoReader.Fields(vi))
            if (f.Number == ValueInfoName) return System.Text.Encoding.UTF8.GetString(f.Bytes(vi));
        return "";
    }

    private static byte[] PatchValueInfo(ReadOnlySpan<byte> vi) =>
        Rewrite(vi, ValueInfoType, type =>
            Rewrite(type, TypeTensor, tensor =>
                Rewrite(tensor, TensorShape, PatchShape)));

    private static byte[] PatchShape(ReadOnlySpan<byte> shape)
    {
        var w = new ProtoWriter(shape.Length + 8);
        var first = true;
        foreach (var f in ProtoReader.Fields(shape))
        {
            if (f.Number == ShapeDim && first)
            {
                first = false;
                var dim = new ProtoWriter(8);
                dim.WriteBytes(DimParam, "N"u8);
                w.WriteBytes(ShapeDim, dim.ToArray());
                _ = DimValue;
            }
            else
            {
                w.WriteRaw(f.Raw(shape));
            }
        }
        return w.ToArray();
    }

    private delegate byte[] SpanTransform(ReadOnlySpan<byte> bytes);

    private static byte[] Rewrite(ReadOnlySpan<byte> message, int field, SpanTransform transform)
    {
        var w = new ProtoWriter(message.Length + 8);
        foreach (var f in ProtoReader.Fields(message))
        {
            if (f.Number == field && f.WireType == 2) w.WriteBytes(field, transform(f.Bytes(message)));
            else w.WriteRaw(f.Raw(message));
        }
        return w.ToArray();
    }
}

/// <summary>One field of a protobuf message: where it starts, its payload, its wire type.</summary>
internal readonly record struct ProtoField(int Number, int WireType, int Start, int PayloadStart, int End)
{
    public ReadOnlySpan<byte> Raw(ReadOnlySpan<byte> message) => message[Start..End];
    public ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> message) => message[PayloadStart..End];
}

internal static class ProtoReader
{
    public static List<ProtoField> Fields(ReadOnlySpan<byte> message)
    {
        var list = new List<ProtoField>();
        var pos = 0;
        while (pos < message.Length)
        {
            var start = pos;
            var key = ReadVarint(message, ref pos);
            var number = (int)(key >> 3);
            var wire = (int)(key & 7);
            int payload, end;
            switch (wire)
            {
                case 0: payload = pos; ReadVarint(message, ref pos); end = pos; break;
                case 1: payload = pos; end = pos += 8; break;
                case 2:
                    var len = (int)ReadVarint(message, ref pos);
                    payload = pos; end = pos += len; break;
                case 5: payload = pos; end = pos += 4; break;
                default: throw new InvalidDataException($"Unsupported protobuf wire type {wire}.");
            }
            if (end > message.Length) throw new InvalidDataException("Truncated protobuf message.");
            list.Add(new ProtoField(number, wire, start, payload, end));
        }
        return list;
    }

    public static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new InvalidDataException("Malformed varint.");
    }
}

internal sealed class ProtoWriter(int capacity)
{
    private readonly MemoryStream _stream = new(capacity);

    public void WriteRaw(ReadOnlySpan<byte> raw) => _stream.Write(raw);

    public void WriteBytes(int field, ReadOnlySpan<byte> payload)
    {
        WriteVarint(((ulong)field << 3) | 2);
        WriteVarint((ulong)payload.Length);
        _stream.Write(payload);
    }

    private void WriteVarint(ulong v)
    {
        while (v >= 0x80)
        {
            _stream.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        _stream.WriteByte((byte)v);
    }

    public byte[] ToArray() => _stream.ToArray();
}
