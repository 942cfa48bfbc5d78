using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Florascope.Data.Migrations.Postgres;

/// <summary>
/// PostgreSQL only, SQL only: observation pages are filled to half, so that when the revision batch
/// rewrites every observation (the first batch of a never-revised database) each new row version
/// fits on its page and the update is HOT (no index entry), see RevisionBatchStore's Rewrite. Once
/// every row has been rewritten, a table is about twice as large either way (the old versions'
/// space is reused, not returned); this only reserves that room from the start. Rows already stored
/// keep their pages until rewritten.
/// </summary>
[DbContext(typeof(PostgresFlorascopeDb))]
[Migration("20261201003500_ObservationsFillFactor")]
public sealed class ObservationsFillFactor : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("ALTER TABLE observations SET (fillfactor = 50);");

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("ALTER TABLE observations RESET (fillfactor);");
}
