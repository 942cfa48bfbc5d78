using System.Numerics.Tensors;

namespace Florascope.Learning;

/// <summary>
/// Training embeddings as rows of one flat store instead of one array per sample: no per-array
/// header or pointer, and the rows of a large flora fit in memory (see <see cref="HalfRows"/>).
/// </summary>
public abstract class EmbeddingRows
{
    protected EmbeddingRows(int count, int dim)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        Count = count;
        Dim = dim;
    }

    public int Count { get; }
    public int Dim { get; }

    /// <summary>Bytes the rows take (the payload, not the array headers).</summary>
    public abstract long Bytes { get; }

    /// <summary>Writes row <paramref name="i"/> as single-precision floats into <paramref name="destination"/>.</summary>
    public abstract void CopyRow(int i, Span<float> destination);

    public abstract void SetRow(int i, ReadOnlySpan<float> values);

    /// <summary>Rows backed by the arrays a caller already has (no copy): the Trainer's list of per-view vectors.</summary>
    public static EmbeddingRows Of(IReadOnlyList<float[]> rows) => new ListRows(rows);

    private sealed class ListRows(IReadOnlyList<float[]> rows) : EmbeddingRows(rows.Count, rows.Count == 0 ? 1 : rows[0].Length)
    {
        public override long Bytes => (long)Count * Dim * sizeof(float);
        public override void CopyRow(int i, Span<float> destination) => rows[i].CopyTo(destination);
        public override void SetRow(int i, ReadOnlySpan<float> values) => values.CopyTo(rows[i]);
    }
}

/// <summary>Single-precision rows in one array (at most 2^31 values: about 4M rows of 512).</summary>
public sealed class FloatRows : EmbeddingRows
{
    private readonly float[] _data;

    public FloatRows(int count, int dim) : this(new float[checked(count * dim)], count, dim) { }

    /// <summary>The first <paramref name="count"/> rows of <paramref name="data"/>, shared, not copied.</summary>
    public FloatRows(float[] data, int count, int dim) : base(count, dim)
    {
        if ((long)count * dim > data.Length) throw new ArgumentException($"{data.Length} values hold fewer than {count} rows of {dim}.", nameof(data));
        _data = data;
    }

    public override long Bytes => (long)Count * Dim * sizeof(float);
    public override void CopyRow(int i, Span<float> destination) => _data.AsSpan(i * Dim, Dim).CopyTo(destination);
    public override void SetRow(int i, ReadOnlySpan<float> values) => values[..Dim].CopyTo(_data.AsSpan(i * Dim, Dim));
}

/// <summary>
/// Half-precision rows, converted to floats as they are read: half the memory of floats, and
/// enough precision for unit-norm embeddings (about 3 significant digits; the reference index
/// already stores them so). Kept in chunks because one .NET array holds at most 2^31 values and
/// 25K taxa x 200 photos x 512 do not fit in one.
/// </summary>
public sealed class HalfRows : EmbeddingRows
{
    private readonly Half[][] _chunks;
    private readonly int _rowsPerChunk;

    /// <param name="rowsPerChunk">Rows per backing array; 0 picks about 256M values (512 MB) per array.</param>
    public HalfRows(int count, int dim, int rowsPerChunk = 0) : base(count, dim)
    {
        _rowsPerChunk = rowsPerChunk > 0 ? rowsPerChunk : Math.Max(1, (1 << 28) / dim);
        var chunks = (count + _rowsPerChunk - 1) / _rowsPerChunk;
        _chunks = new Half[chunks][];
        for (var c = 0; c < chunks; c++)
            _chunks[c] = new Half[(long)Math.Min(_rowsPerChunk, count - c * _rowsPerChunk) * dim];
    }

    public override long Bytes => (long)Count * Dim * 2;

    public override void CopyRow(int i, Span<float> destination)
    {
        // Vectorised: a scalar (float)Half costs several ns, which a scan of millions of rows feels.
        TensorPrimitives.ConvertToSingle(_chunks[i / _rowsPerChunk].AsSpan(i % _rowsPerChunk * Dim, Dim), destination);
    }

    public override void SetRow(int i, ReadOnlySpan<float> values)
    {
        TensorPrimitives.ConvertToHalf(values[..Dim], _chunks[i / _rowsPerChunk].AsSpan(i % _rowsPerChunk * Dim, Dim));
    }
}
