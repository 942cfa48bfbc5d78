using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Florascope.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CoveringMapIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_observations_ObservedUtc",
                table: "observations");

            migrationBuilder.DropIndex(
                name: "IX_observations_PublicLatitude_PublicLongitude",
                table: "observations");

            migrationBuilder.CreateIndex(
                name: "IX_observations_ObservedUtc",
                table: "observations",
                column: "ObservedUtc")
                .Annotation("Npgsql:IndexInclude", new[] { "CreatedUtc", "Id", "TaxonName", "PublicLatitude", "PublicLongitude", "Project" });

            migrationBuilder.CreateIndex(
                name: "IX_observations_PublicLatitude_PublicLongitude",
                table: "observations",
                columns: new[] { "PublicLatitude", "PublicLongitude" })
                .Annotation("Npgsql:IndexInclude", new[] { "CreatedUtc", "Id", "TaxonName", "ObservedUtc", "Project" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_observations_ObservedUtc",
                table: "observations");

            migrationBuilder.DropIndex(
                name: "IX_observations_PublicLatitude_PublicLongitude",
                table: "observations");

            migrationBuilder.CreateIndex(
                name: "IX_observations_ObservedUtc",
                table: "observations",
                column: "ObservedUtc");

            migrationBuilder.CreateIndex(
                name: "IX_observations_PublicLatitude_PublicLongitude",
                table: "observations",
                columns: new[] { "PublicLatitude", "PublicLongitude" });
        }
    }
}
