using System.IO.Compression;
using Florascope.Challenges;
using Florascope.Data.Challenges;
using Florascope.Messages;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace Florascope.Web.Challenges;

/// <summary>A run upload received whole: the file (a temporary file deleted when disposed) and the method field.</summary>
public sealed class ReceivedRun(FileStream file, string fileName, long bytes, string? method) : IDisposable
{
    public FileStream File { get; } = file;
    public string FileName { get; } = fileName;
    public long Bytes { get; } = bytes;
    public string? Method { get; } = method;
    public void Dispose() => File.Dispose();
}

/// <summary>The server could not write a run's temporary file (disk full...): its fault, not the client's (503).</summary>
public sealed class RunStorageException(Exception inner) : Exception("A run's temporary file could not be written.", inner);

/// <summary>A received run once checked: its problems, or its ranks and the gzip file to keep.</summary>
public sealed class CheckedRun(RunCheck check, long textBytes, Stream? gzip, IDisposable? owned) : IDisposable
{
    public RunCheck Check { get; } = check;
    /// <summary>Size of the run as text (decompressed).</summary>
    public long TextBytes { get; } = textBytes;
    /// <summary>The run gzip-compressed, at its start; null when it has errors.</summary>
    public Stream? Gzip { get; } = gzip;
    public void Dispose() => owned?.Dispose();
}

/// <summary>
/// Receiving a run (up to 70 MB and more, above the general request limit) without holding it in memory: the
/// multipart body is read section by section, the <c>run</c> file streamed to a temporary file; then, on the
/// background CPU thread, it is decompressed (gzip by its magic bytes, stopped at the text limit) and checked.
/// </summary>
public static class RunUpload
{
    public const string RunField = "run";
    public const string MethodField = "method";

    private static readonly byte[] GzipMagic = [0x1F, 0x8B];

    /// <summary>Temporary files older than this are left from a stopped server: swept at start-up.</summary>
    public static readonly TimeSpan TempFileMaxAge = TimeSpan.FromMinutes(10);

    /// <summary>Where uploads are received (one folder per data directory).</summary>
    public static string TempDirectory(string dataDirectory) => Path.Combine(dataDirectory, "tmp", "runs");

    /// <summary>
    /// Deletes the temporary files a stopped server left (those of a running upload are younger, and deleted on close
    /// anyway). File times are the file system's, so they are compared with the system clock. Returns how many went.
    /// </summary>
    public static int SweepTemp(string directory, DateTime olderThanUtc)
    {
        if (!Directory.Exists(directory)) return 0;
        var swept = 0;
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("run-*.part"))
        {
            try
            {
                if (file.LastWriteTimeUtc >= olderThanUtc) continue;
                file.Delete();
                swept++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Held by another process of this data directory, or not ours: left for the next start.
            }
        }
        return swept;
    }

    /// <summary>Raises this request's body limit to the route's (the general one stays for every other route).</summary>
    public static void AllowBody(HttpContext context, long maxBytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = maxBytes;
    }

    /// <summary>
    /// Reads the multipart body: the <c>run</c> file to a temporary file in <paramref name="tempDirectory"/> (deleted
    /// when the result is disposed, or at once on a refusal) and the <c>method</c>, read only as far as a valid one
    /// can be long; other parts are skipped (the session's anti-forgery token comes in the header). A client's bad
    /// body is a 400; the server failing to write the file is a <see cref="RunStorageException"/>.
    /// </summary>
    public static async Task<ReceivedRun> ReceiveAsync(HttpContext context, string tempDirectory, CancellationToken ct)
    {
        var request = context.Request;
        var boundary = request.ContentType is { } type && MediaTypeHeaderValue.TryParse(type, out var media)
            && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            && HeaderUtilities.RemoveQuotes(media.Boundary).Value is { Length: > 0 } b ? b : null;
        if (boundary is null) throw Invalid(MessageText.Of("server.challenge-api.not-multipart", "Send the run as multipart/form-data with a 'run' file and a 'method' field."));
        FileStream? file = null;
        string fileName = "";
        long bytes = 0;
        string? method = null;
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var cd)) { await section.Body.DrainAsync(ct); continue; }
                var name = HeaderUtilities.RemoveQuotes(cd.Name).Value;
                if (name == RunField)
                {
                    if (file is not null) throw Invalid(MessageText.Of("server.challenge-api.two-runs", "Send one run per upload."));
                    fileName = HeaderUtilities.RemoveQuotes(cd.FileNameStar.HasValue ? cd.FileNameStar : cd.FileName).Value ?? "";
                    file = await ServerSideAsync(() => Task.FromResult(CreateTemp(tempDirectory, ".part")));
                    await CopyToFileAsync(section.Body, file, ct);
                    bytes = file.Length;
                }
                else if (name == MethodField)
                    method = await ReadFieldAsync(section.Body, ChallengeRunStore.MaxMethodLength,
                        MessageText.Of("server.challenge-api.bad-method", "Describe the run's method in 1 to {max} characters.", ("max", ChallengeRunStore.MaxMethodLength)), ct);
                else
                    await section.Body.DrainAsync(ct);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            file?.Dispose();
            throw TooLargeUpload(context);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            // The client's body (malformed multipart, broken connection); the reason is not echoed (it may name server paths).
            file?.Dispose();
            throw Invalid(MessageText.Of("server.challenge-api.unreadable-body", "The upload cannot be read: send multipart/form-data with a 'run' file and a 'method' field."));
        }
        catch
        {
            file?.Dispose();
            throw;
        }
        if (file is null) throw Invalid(MessageText.Of("server.challenge-api.no-run", "No run: send the run file as the 'run' part."));
        file.Position = 0;
        return new ReceivedRun(file, fileName, bytes, method);
    }

    private static FileStream CreateTemp(string directory, string suffix)
    {
        Directory.CreateDirectory(directory);
        return new FileStream(Path.Combine(directory, $"run-{Guid.NewGuid():N}{suffix}"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None,
            1 << 16, FileOptions.DeleteOnClose);
    }

    /// <summary>Copies the client's part to the file: reading errors are the client's, writing errors the server's.</summary>
    private static async Task CopyToFileAsync(Stream body, FileStream file, CancellationToken ct)
    {
        var buffer = new byte[1 << 16];
        int n;
        while ((n = await body.ReadAsync(buffer, ct)) > 0)
            await ServerSideAsync(async () => { await file.WriteAsync(buffer.AsMemory(0, n), ct); return 0; });
    }

    private static async Task<T> ServerSideAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunStorageException(e);
        }
    }

    /// <summary>
    /// Decompresses (when the file starts with gzip's magic bytes, whatever its name) and checks the run; a valid
    /// plain run is compressed to a second temporary file. CPU work: run it on the background thread.
    /// </summary>
    public static CheckedRun Check(ChallengeTruth truth, ReceivedRun run, long maxTextBytes, string tempDirectory, CancellationToken ct)
    {
        var file = run.File;
        file.Position = 0;
        Span<byte> head = stackalloc byte[2];
        var isGzip = file.ReadAtLeast(head, 2, throwOnEndOfStream: false) == 2 && head.SequenceEqual(GzipMagic);
        file.Position = 0;
        RunCheck check;
        long textBytes;
        try
        {
            using var text = new LimitedStream(isGzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file, maxTextBytes, ct, ownsInner: isGzip);
            check = ChallengeScorer.Check(truth, text, run.FileName);
            textBytes = text.Total;
        }
        catch (InvalidDataException)
        {
            throw Invalid(MessageText.Of("server.challenge-api.bad-gzip", "The run starts like a gzip file but cannot be decompressed."));
        }
        if (!check.IsValid) return new CheckedRun(check, textBytes, null, null);
        file.Position = 0;
        if (isGzip) return new CheckedRun(check, textBytes, file, null);
        FileStream? gzip = null;
        try
        {
            gzip = CreateTemp(tempDirectory, ".gz.part");
            using (var zip = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true)) file.CopyTo(zip);
            gzip.Position = 0;
            return new CheckedRun(check, textBytes, gzip, gzip);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            gzip?.Dispose();
            throw new RunStorageException(e);
        }
        catch
        {
            gzip?.Dispose();
            throw;
        }
    }

    /// <summary>A form field, refused with <paramref name="tooLong"/> past <paramref name="maxChars"/> (the rest is never read).</summary>
    private static async Task<string> ReadFieldAsync(Stream body, int maxChars, MessageText tooLong, CancellationToken ct)
    {
        using var reader = new StreamReader(body);
        var buffer = new char[maxChars + 1];
        var length = await reader.ReadBlockAsync(buffer, ct);
        if (length > maxChars) throw Invalid(tooLong);
        return new string(buffer, 0, length);
    }

    /// <summary>The refusal of an upload over the route's limit (before or while it is read).</summary>
    public static ChallengeException TooLargeUpload(HttpContext context)
    {
        var limit = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ChallengeOptions>>().Value.MaxRunUploadBytes;
        return new ChallengeException(MessageText.Of("server.challenge-api.upload-too-large", "A run upload is at most {limit}; compress it with gzip.",
            ("limit", Home.PublicLimits.Size(limit))), ChallengeError.TooLarge);
    }

    private static ChallengeException Invalid(MessageText text) => new(text, ChallengeError.Invalid);

    /// <summary>Reads through, counting, and stops with 413 past the text limit (a gzip bomb ends there).</summary>
    private sealed class LimitedStream(Stream inner, long max, CancellationToken ct, bool ownsInner) : Stream
    {
        public long Total { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            ct.ThrowIfCancellationRequested();
            var n = inner.Read(buffer);
            Total += n;
            if (Total > max)
                throw new ChallengeException(MessageText.Of("server.challenge-api.text-too-large", "The run is larger than {limit} once decompressed.",
                    ("limit", Home.PublicLimits.Size(max))), ChallengeError.TooLarge);
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Total; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            // The gzip reader is ours; the received file belongs to its ReceivedRun.
            if (disposing && ownsInner) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>Why a run upload may not start now.</summary>
public enum UploadSlotRefusal { None, TeamBusy, ServerBusy }

/// <summary>
/// The run uploads being received on this node, per team and in total: each holds a temporary file and a connection
/// for minutes, so their number is bounded before a byte of the body is read.
/// </summary>
public sealed class RunUploadSlots
{
    private readonly Dictionary<int, int> _perTeam = [];
    private int _total;

    /// <summary>Takes a slot for the team, or says why not (the team's or the node's uploads are all taken).</summary>
    public UploadSlotRefusal TryTake(int teamId, int maxPerTeam, int maxTotal)
    {
        lock (_perTeam)
        {
            var held = _perTeam.GetValueOrDefault(teamId);
            if (held >= maxPerTeam) return UploadSlotRefusal.TeamBusy;
            if (_total >= maxTotal) return UploadSlotRefusal.ServerBusy;
            _perTeam[teamId] = held + 1;
            _total++;
            return UploadSlotRefusal.None;
        }
    }

    /// <summary>The team's uploads being received now (for monitoring and tests).</summary>
    public int Held(int teamId)
    {
        lock (_perTeam) return _perTeam.GetValueOrDefault(teamId);
    }

    /// <summary>Gives back a slot taken by <see cref="TryTake"/>.</summary>
    public void Release(int teamId)
    {
        lock (_perTeam)
        {
            _total--;
            if (_perTeam.GetValueOrDefault(teamId) <= 1) _perTeam.Remove(teamId);
            else _perTeam[teamId]--;
        }
    }
}
