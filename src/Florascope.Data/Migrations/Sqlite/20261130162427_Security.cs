using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Florascope.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Security : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_observations_Latitude_Longitude",
                table: "observations");

            migrationBuilder.AddColumn<bool>(
                name: "IsFounder",
                table: "users",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Geoprivacy",
                table: "observations",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "open");

            migrationBuilder.AddColumn<double>(
                name: "PublicLatitude",
                table: "observations",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "PublicLongitude",
                table: "observations",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "PublicUncertaintyMeters",
                table: "observations",
                type: "REAL",
                nullable: true);

            // Observations saved before geoprivacy were all open: their public position is the true one.
            migrationBuilder.Sql("UPDATE observations SET \"PublicLatitude\" = \"Latitude\", \"PublicLongitude\" = \"Longitude\", \"PublicUncertaintyMeters\" = \"UncertaintyMeters\";");
            // The founder is the first account, as it was made administrator.
            migrationBuilder.Sql("UPDATE users SET \"IsFounder\" = TRUE WHERE \"Id\" = (SELECT MIN(\"Id\") FROM users);");

            migrationBuilder.CreateTable(
                name: "rate_counters",
                columns: table => new
                {
                    scope = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    window_start = table.Column<DateTime>(type: "TEXT", nullable: false),
                    count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rate_counters", x => new { x.scope, x.subject, x.window_start });
                });

            migrationBuilder.CreateTable(
                name: "threat_statuses",
                columns: table => new
                {
                    ScientificName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    UpdatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_threat_statuses", x => x.ScientificName);
                });

            migrationBuilder.CreateTable(
                name: "user_sessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UserId = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSeenUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    UserAgent = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_sessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_user_sessions_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_users_founder",
                table: "users",
                column: "IsFounder",
                unique: true,
                filter: "\"IsFounder\"");

            migrationBuilder.CreateIndex(
                name: "IX_observations_PublicLatitude_PublicLongitude",
                table: "observations",
                columns: new[] { "PublicLatitude", "PublicLongitude" });

            migrationBuilder.CreateIndex(
                name: "IX_rate_counters_window_start",
                table: "rate_counters",
                column: "window_start");

            migrationBuilder.CreateIndex(
                name: "IX_user_sessions_UserId_EndedUtc",
                table: "user_sessions",
                columns: new[] { "UserId", "EndedUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "rate_counters");

            migrationBuilder.DropTable(
                name: "threat_statuses");

            migrationBuilder.DropTable(
                name: "user_sessions");

            migrationBuilder.DropIndex(
                name: "IX_users_founder",
                table: "users");

            migrationBuilder.DropIndex(
                name: "IX_observations_PublicLatitude_PublicLongitude",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "IsFounder",
                table: "users");

            migrationBuilder.DropColumn(
                name: "Geoprivacy",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "PublicLatitude",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "PublicLongitude",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "PublicUncertaintyMeters",
                table: "observations");

            migrationBuilder.CreateIndex(
                name: "IX_observations_Latitude_Longitude",
                table: "observations",
                columns: new[] { "Latitude", "Longitude" });
        }
    }
}
