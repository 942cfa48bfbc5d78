using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Florascope.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DropSyntheticFlag : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
                type: "INTEGER",
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
