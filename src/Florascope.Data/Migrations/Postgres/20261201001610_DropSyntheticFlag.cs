using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Florascope.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DropSyntheticFlag : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Synthetic rows (benchmark seeding) would pass for real ones once the flag is gone: removed first
            // (their photos, identifications and votes go with them by cascade).
            migrationBuilder.Sql("DELETE FROM observations WHERE \"IsSynthetic\";");

            migrationBuilder.DropIndex(
                name: "IX_observations_IsSynthetic_CreatedUtc",
                table: "observations");

            migrationBuilder.DropIndex(
                name: "IX_observations_IsSynthetic_ObservedUtc",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "IsSynthetic",
                table: "observations");

            migrationBuilder.CreateIndex(
                name: "IX_observations_CreatedUtc",
                table: "observations",
                column: "CreatedUtc");

            migrationBuilder.CreateIndex(
                name: "IX_observations_ObservedUtc",
                table: "observations",
                column: "ObservedUtc");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_observations_CreatedUtc",
                table: "observations");

            migrationBuilder.DropIndex(
                name: "IX_observations_ObservedUtc",
                table: "observations");

            migrationBuilder.AddColumn<bool>(
                name: "IsSynthetic",
                table: "observations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_observations_IsSynthetic_CreatedUtc",
                table: "observations",
                columns: new[] { "IsSynthetic", "CreatedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_observations_IsSynthetic_ObservedUtc",
                table: "observations",
                columns: new[] { "IsSynthetic", "ObservedUtc" });
        }
    }
}
