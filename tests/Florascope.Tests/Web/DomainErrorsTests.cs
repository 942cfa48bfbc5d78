using Florascope.Data.Observations;
using Florascope.Imaging;
using Florascope.Web.Hosting;

namespace Florascope.Tests.Web;

/// <summary>The one mapping of the domain's typed errors to HTTP statuses.</summary>
public sealed class DomainErrorsTests
{
    [Theory]
    [InlineData(ObservationError.Invalid, 400)]
    [InlineData(ObservationError.NotFound, 404)]
    [InlineData(ObservationError.Forbidden, 403)]
    [InlineData(ObservationError.Conflict, 409)]
    [InlineData(ObservationError.TooLarge, 413)]
    [InlineData(ObservationError.UnsupportedMedia, 415)]
    public void EachKindHasItsStatus(ObservationError kind, int status) => Assert.Equal(status, DomainErrors.StatusOf(kind));

    [Fact]
    public void EveryKindIsMappedToAClientError() =>
        Assert.All(Enum.GetValues<ObservationError>(), k => Assert.InRange(DomainErrors.StatusOf(k), 400, 499));

    [Theory]
    [InlineData(ImageProblem.TooLarge, ObservationError.TooLarge)]
    [InlineData(ImageProblem.UnsupportedFormat, ObservationError.UnsupportedMedia)]
    [InlineData(ImageProblem.NotAnImage, ObservationError.Invalid)]
    [InlineData(ImageProblem.Corrupt, ObservationError.Invalid)]
    [InlineData(ImageProblem.Empty, ObservationError.Invalid)]
    public void ARefusedPhotoKeepsWhyItWasRefused(ImageProblem problem, ObservationError kind) => Assert.Equal(kind, ObservationWriter.KindOf(problem));

    [Fact]
    public void AnExceptionIsInvalidUnlessToldOtherwise() => Assert.Equal(ObservationError.Invalid, new ObservationException("bad").Kind);
}
