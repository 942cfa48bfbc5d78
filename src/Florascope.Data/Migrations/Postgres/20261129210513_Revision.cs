using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Florascope.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Revision : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Expertise",
                table: "users",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Score",
                table: "users",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<double>(
                name: "Accuracy",
                table: "observations",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<double>(
                name: "Confidence",
                table: "observations",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<bool>(
                name: "IsValid",
                table: "observations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<double>(
                name: "ModelScore",
                table: "observations",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ModelTaxonName",
                table: "observations",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ModelVersion",
                table: "observations",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "RevisedUtc",
                table: "observations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "observations",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "needs-votes");

            migrationBuilder.AddColumn<string>(
                name: "ExcludedBecause",
                table: "observation_photos",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VotedOrgan",
                table: "observation_photos",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "game_skips",
                columns: table => new
                {
                    UserId = table.Column<int>(type: "integer", nullable: false),
                    ObservationId = table.Column<int>(type: "integer", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_game_skips", x => new { x.UserId, x.ObservationId });
                    table.ForeignKey(
                        name: "FK_game_skips_observations_ObservationId",
                        column: x => x.ObservationId,
                        principalTable: "observations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_game_skips_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "model_versions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Version = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Path = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    MetricsJson = table.Column<string>(type: "text", nullable: false),
                    BaselineVersion = table.Column<string>(type: "text", nullable: true),
                    BaselineMetricsJson = table.Column<string>(type: "text", nullable: true),
                    Promoted = table.Column<bool>(type: "boolean", nullable: false),
                    Decision = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    ObservationPhotos = table.Column<int>(type: "integer", nullable: false),
                    IsCurrent = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_model_versions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "photo_votes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PhotoId = table.Column<int>(type: "integer", nullable: false),
                    UserId = table.Column<int>(type: "integer", nullable: false),
                    Aspect = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Value = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    IsCurrent = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_photo_votes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_photo_votes_observation_photos_PhotoId",
                        column: x => x.PhotoId,
                        principalTable: "observation_photos",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_photo_votes_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_users_Score",
                table: "users",
                column: "Score");

            migrationBuilder.CreateIndex(
                name: "IX_observations_Status_Project_CreatedUtc",
                table: "observations",
                columns: new[] { "Status", "Project", "CreatedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_game_skips_ObservationId",
                table: "game_skips",
                column: "ObservationId");

            migrationBuilder.CreateIndex(
                name: "IX_model_versions_IsCurrent",
                table: "model_versions",
                column: "IsCurrent");

            migrationBuilder.CreateIndex(
                name: "IX_model_versions_Version",
                table: "model_versions",
                column: "Version",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_photo_votes_current",
                table: "photo_votes",
                columns: new[] { "PhotoId", "UserId", "Aspect" },
                unique: true,
                filter: "\"IsCurrent\"");

            migrationBuilder.CreateIndex(
                name: "IX_photo_votes_UserId_IsCurrent",
                table: "photo_votes",
                columns: new[] { "UserId", "IsCurrent" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "game_skips");

            migrationBuilder.DropTable(
                name: "model_versions");

            migrationBuilder.DropTable(
                name: "photo_votes");

            migrationBuilder.DropIndex(
                name: "IX_users_Score",
                table: "users");

            migrationBuilder.DropIndex(
                name: "IX_observations_Status_Project_CreatedUtc",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "Expertise",
                table: "users");

            migrationBuilder.DropColumn(
                name: "Score",
                table: "users");

            migrationBuilder.DropColumn(
                name: "Accuracy",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "Confidence",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "IsValid",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "ModelScore",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "ModelTaxonName",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "ModelVersion",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "RevisedUtc",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "ExcludedBecause",
                table: "observation_photos");

            migrationBuilder.DropColumn(
                name: "VotedOrgan",
                table: "observation_photos");
        }
    }
}
