using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Florascope.Data.Migrations.Postgres
{
    /// <summary>
    /// PostGIS for the map's viewport query (PostgreSQL only; SQLite keeps its B-tree on the degrees).
    /// "PublicPosition" is a STORED generated column, derived by the database from the PUBLIC
    /// position, never the true one: every writer (EF, the revision batch, binary COPY) fills it
    /// without knowing it exists, an edit or a geoprivacy change that moves the public position moves
    /// it in the same statement, and no code path can put a hidden position into it. It is left out
    /// of the EF model (the shared model stays provider-neutral); ObservationQueries.NearBox reads it.
    /// Hand-written SQL only, so that model migrations can be regenerated around it. Creating the
    /// extension needs a role allowed to (a superuser, or the extension created beforehand).
    /// </summary>
    public partial class PostGisPublicPosition : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE EXTENSION IF NOT EXISTS postgis;
                ALTER TABLE observations ADD COLUMN "PublicPosition" geography(Point, 4326)
                    GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint("PublicLongitude", "PublicLatitude"), 4326)::geography) STORED;
                CREATE INDEX "IX_observations_PublicPosition" ON observations USING GIST ("PublicPosition");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX IF EXISTS "IX_observations_PublicPosition";
                ALTER TABLE observations DROP COLUMN IF EXISTS "PublicPosition";
                """);
        }
    }
}
