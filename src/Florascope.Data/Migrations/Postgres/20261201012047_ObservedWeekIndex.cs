using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Florascope.Data.Migrations.Postgres
{
    /// <summary>
    /// PostgreSQL only, SQL only: the map's date ranges by observation week, newest saved first
    /// (ObservationQueries.ByObservedWeeks computes the same week numbers). An expression index, which
    /// the shared EF model cannot describe; it INCLUDEs the map's columns so each week is read from the
    /// index alone.
    /// </summary>
    public partial class ObservedWeekIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE INDEX "IX_observations_ObservedWeek_CreatedUtc" ON observations
                    (((("ObservedUtc" AT TIME ZONE 'UTC')::date - DATE '2000-01-03') / 7), "CreatedUtc")
                    INCLUDE ("Id", "TaxonName", "ObservedUtc", "PublicLatitude", "PublicLongitude", "Project");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX "IX_observations_ObservedWeek_CreatedUtc";""");
        }
    }
}
