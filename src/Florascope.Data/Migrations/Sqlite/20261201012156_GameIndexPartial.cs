using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Florascope.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class GameIndexPartial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_observations_Status_Project_CreatedUtc",
                table: "observations");

            migrationBuilder.CreateIndex(
                name: "IX_observations_Status_Project_CreatedUtc",
                table: "observations",
                columns: new[] { "Status", "Project", "CreatedUtc" },
                filter: "\"Status\" <> 'valid'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_observations_Status_Project_CreatedUtc",
                table: "observations");

            migrationBuilder.CreateIndex(
                name: "IX_observations_Status_Project_CreatedUtc",
                table: "observations",
                columns: new[] { "Status", "Project", "CreatedUtc" });
        }
    }
}
