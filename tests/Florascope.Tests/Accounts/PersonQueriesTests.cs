using Florascope.Data.Accounts;
using Florascope.Data.Observations;
using Florascope.Revision;
using Florascope.Tests.Observatory;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Accounts;

public sealed class SqlitePersonQueriesTests(SqliteStorageFixture fixture) : PersonQueriesTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresPersonQueriesTests(PostgresStorageFixture fixture) : PersonQueriesTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>A person's figures and identifications, counted in SQL on every provider, and the agreement rule.</summary>
public abstract class PersonQueriesTests(StorageFixture fixture)
{
    private static readonly AggregationSettings Settings = AggregationSettings.Default;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Rosa canina", "Rosa canina", true)]
    [InlineData("Rosa canina", "Galium aparine", false)]
    [InlineData(null, "Rosa canina", false)]   // "I don't know" never agrees
    [InlineData("Rosa canina", null, false)]   // nothing decided yet
    [InlineData(null, null, false)]
    public void AnIdentificationAgreesWhenItNamesTheCommunitysTaxon(string? mine, string? community, bool agrees) =>
        Assert.Equal(agrees, PersonQueries.Agrees(mine, community));

    [Fact]
    public void TheAgreementRateIsOverDecidedIdentificationsAndNoneBeforeAny()
    {
        Assert.Null(PersonQueries.AgreementRate(0, 0));
        Assert.Equal(0.5, PersonQueries.AgreementRate(1, 2));
        Assert.Equal(1.0, PersonQueries.AgreementRate(3, 3));
    }

    private async Task<int> ObservationAsync(int author, string? taxon, int photo = 0)
    {
        await using var db = fixture.NewContext();
        var o = await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author,
            new NewObservation { Photos = [new NewPhoto(TestSupport.Photos.Plant("Taraxacum_officinale", photo).Data)], TaxonName = taxon }, fixture.Clock, Ct, Settings);
        return o.Id;
    }

    private async Task IdentifyAsync(int observation, int user, string? taxon)
    {
        await using var db = fixture.NewContext();
        await ObservationWriter.IdentifyAsync(db, StorageFixture.Checklist, observation, user, taxon, fixture.Clock, Ct, Settings);
    }

    [Fact]
    public async Task FiguresCountObservationsSpeciesAndIdentificationsOfOthersOnly()
    {
        var (me, other, expert) = (await fixture.NewUserAsync(), await fixture.NewUserAsync(), await fixture.NewUserAsync());
        await using (var db = fixture.NewContext())
            await db.Users.Where(u => u.Id == expert).ExecuteUpdateAsync(s => s.SetProperty(u => u.Expertise, 8), Ct);
        // Mine: one validated by the expert (0.74 + 2.05), one I alone named (not valid).
        var valid = await ObservationAsync(me, "Taraxacum officinale");
        await IdentifyAsync(valid, expert, "Taraxacum officinale");
        await ObservationAsync(me, "Galium aparine", 1);
        // Others': one I agree with (valid: the expert too), one I differ on, one I do not know.
        var agree = await ObservationAsync(other, "Galium aparine");
        await IdentifyAsync(agree, expert, "Galium aparine");
        await IdentifyAsync(agree, me, "Galium aparine");
        var differ = await ObservationAsync(other, "Taraxacum officinale");
        await IdentifyAsync(differ, expert, "Taraxacum officinale");
        await IdentifyAsync(differ, me, "Galium aparine");
        var unsure = await ObservationAsync(other, "Taraxacum officinale");
        await IdentifyAsync(unsure, me, null);

        await using (var db = fixture.NewContext())
        {
            var s = (await PersonQueries.StatisticsAsync(db, me, Ct))!;
            Assert.Equal((2, 1, 1), (s.Observations, s.ValidObservations, s.Species));
            // My own observations' identifications do not count; the "I don't know" does, but is not decided.
            Assert.Equal((3, 2, 1, 0.5), (s.Identifications, s.Decided, s.Agreeing, s.AgreementRate!.Value));
            Assert.Null(await PersonQueries.StatisticsAsync(db, 987654, Ct));

            var rows = await PersonQueries.IdentifiedAsync(db, me, 1, 10, Ct);
            Assert.Equal([unsure, differ, agree], rows.Select(r => r.ObservationId));
            Assert.Equal([false, false, true], rows.Select(r => r.Agrees));
            Assert.Equal([null, "Galium aparine", "Galium aparine"], rows.Select(r => r.MyTaxonName));
            Assert.Equal("Taraxacum officinale", rows[1].TaxonName);
            Assert.Equal([differ], (await PersonQueries.IdentifiedAsync(db, me, 2, 1, Ct)).Select(r => r.ObservationId));
        }
    }
}
