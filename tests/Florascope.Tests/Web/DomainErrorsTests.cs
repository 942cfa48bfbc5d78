using Florascope.Data.Observations;
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
    public void EachKindHasItsStatus(ObservationError kind, int status) => Assert.Equal(status, DomainErrors.StatusOf(kind));

    [Fact]
    public void EveryKindIsMappedToAClientError() =>
        Assert.All(Enum.GetValues<ObservationError>(), k => Assert.InRange(DomainErrors.StatusOf(k), 400, 499));

    [Fact]
    public void AnExceptionIsInvalidUnlessToldOtherwise() => Assert.Equal(ObservationError.Invalid, new ObservationException("bad").Kind);
}
