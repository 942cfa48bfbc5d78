namespace Florascope.Web.OpenData;

/// <summary>
/// <c>Florascope:OpenData</c>: how often the public Darwin Core Archive is rebuilt, and the dataset
/// metadata its eml.xml carries (the archive writer's metadata is filled from these).
/// </summary>
public sealed class OpenDataOptions
{
    /// <summary>The longest period a <see cref="PeriodicTimer"/> takes is ~49 days; a week is plenty.</summary>
    public const double MaxRebuildMinutes = 7 * 24 * 60;

    /// <summary>Minutes between rebuilds of /open-data/dwca.zip (default hourly); 0 turns the job off (the file in place, if any, is served).</summary>
    public double RebuildMinutes { get; set; } = 60;

    public string Title { get; set; } = "Florascope plant observations";

    public string Abstract { get; set; } =
        "Plant observations made with photos in the field and identified by the Florascope community's weighted vote, " +
        "assisted by its image-recognition model. Positions of threatened taxa and of observations their authors chose to protect are generalised.";

    public string CreatorName { get; set; } = "Florascope observatory";

    /// <summary>The dataset contact's e-mail; empty: the contact is named without an address.</summary>
    public string ContactEmail { get; set; } = "";

    /// <summary>How to cite the dataset; empty: the archive writer composes one from the title and the date of the build.</summary>
    public string Citation { get; set; } = "";

    /// <summary>A malformed setting stops the server at start with this message, never a failing job later.</summary>
    public void Validate()
    {
        if (!double.IsFinite(RebuildMinutes) || RebuildMinutes < 0 || RebuildMinutes > MaxRebuildMinutes)
            throw new ArgumentException($"Florascope:OpenData:RebuildMinutes must be between 0 (off) and {MaxRebuildMinutes} minutes.");
        if (RebuildMinutes > 0 && RebuildMinutes * 60 < 1)
            throw new ArgumentException("Florascope:OpenData:RebuildMinutes must be 0 (off) or at least one second (0.0167).");
        if (string.IsNullOrWhiteSpace(Title) || string.IsNullOrWhiteSpace(Abstract) || string.IsNullOrWhiteSpace(CreatorName))
            throw new ArgumentException("Florascope:OpenData needs a Title, an Abstract and a CreatorName (the dataset's EML requires them).");
        if (ContactEmail.Length > 0 && !System.Net.Mail.MailAddress.TryCreate(ContactEmail, out _))
            throw new ArgumentException($"Florascope:OpenData:ContactEmail '{ContactEmail}' is not an e-mail address.");
    }
}

/// <summary>
/// What writes the archive: given a scope's services, it writes the whole zip to the stream. The
/// host registers one (the Darwin Core Archive writer); without one the job builds nothing.
/// </summary>
public sealed record OpenDataArchive(Func<IServiceProvider, Stream, CancellationToken, Task> Build);
