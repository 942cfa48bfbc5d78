using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Florascope.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class MapAndIdentificationIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_observations_IsSynthetic_ObservedUtc",
                table: "observations",
                columns: new[] { "IsSynthetic", "ObservedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_identifications_current",
                table: "identifications",
                columns: new[] { "ObservationId", "UserId" },
                unique: true,
                filter: "\"IsCurrent\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_observations_IsSynthetic_ObservedUtc",
                table: "observations");

            migrationBuilder.DropIndex(
                name: "IX_identifications_current",
                table: "identifications");
        }
    }
}
