using Florascope.Messages;

namespace Florascope.Imaging;

/// <summary>Why an image was refused. The HTTP layer maps these to 400/413/415.</summary>
public enum ImageProblem
{
    Empty,
    /// <summary>The bytes are not an image at all (a text file named .jpg...).</summary>
    NotAnImage,
    /// <summary>An image in a format the service does not read (GIF, WebP, HEIC...).</summary>
    UnsupportedFormat,
    TooLarge,
    Corrupt,
}

/// <summary>A photo that cannot be used, with a message fit to show the person who sent it.</summary>
public sealed class ImageInputException(ImageProblem problem, MessageText text) : Exception(text.English)
{
    public ImageInputException(ImageProblem problem, string message) : this(problem, MessageText.Untranslated(message)) { }

    /// <summary>The message with its translation key and values (the observatory API answers it in the request's language).</summary>
    public MessageText Text { get; } = text;
    public ImageProblem Problem { get; } = problem;
}
