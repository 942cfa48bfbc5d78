using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Florascope.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ScaleOut : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Synthetic rows (benchmark seeding) would pass for real ones once the flag is gone: removed first
            // (their photos, identifications and votes go with them by cascade).
            migrationBuilder.Sql("DELETE FROM observations WHERE \"IsSynthetic\" = 1;");

            migrationBuilder.DropIndex(
                name: "IX_observations_IsSynthetic_CreatedUtc",
                table: "observations");

            migrationBuilder.DropIndex(
                name: "IX_observations_IsSynthetic_ObservedUtc",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "IsSynthetic",
                table: "observations");

            migrationBuilder.AddColumn<string>(
                name: "BundleKey",
                table: "model_versions",
                type: "TEXT",
                maxLength: 400,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "job_runs",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    job = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    node = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    started_utc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    finished_utc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    attempt = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_job_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "server_secrets",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    value = table.Column<byte[]>(type: "BLOB", nullable: false),
                    created_utc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_server_secrets", x => x.name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_observations_CreatedUtc",
                table: "observations",
                column: "CreatedUtc");

            migrationBuilder.CreateIndex(
                name: "IX_observations_ObservedUtc",
                table: "observations",
                column: "ObservedUtc");

            migrationBuilder.CreateIndex(
                name: "IX_job_runs_job_started_utc",
                table: "job_runs",
                columns: new[] { "job", "started_utc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_runs");

            migrationBuilder.DropTable(
                name: "server_secrets");

            migrationBuilder.DropIndex(
                name: "IX_observations_CreatedUtc",
                table: "observations");

            migrationBuilder.DropIndex(
                name: "IX_observations_ObservedUtc",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "BundleKey",
                table: "model_versions");

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
