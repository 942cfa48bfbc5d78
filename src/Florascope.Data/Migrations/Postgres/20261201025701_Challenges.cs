using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Florascope.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Challenges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "challenges",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Slug = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    OpensUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ClosesUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ClosedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DailySubmissionLimit = table.Column<int>(type: "integer", nullable: false),
                    MaxTeamSize = table.Column<int>(type: "integer", nullable: false),
                    PublicPercent = table.Column<int>(type: "integer", nullable: false),
                    SplitKey = table.Column<byte[]>(type: "bytea", nullable: false),
                    TrainPhotos = table.Column<int>(type: "integer", nullable: false),
                    TestObservations = table.Column<int>(type: "integer", nullable: false),
                    Classes = table.Column<int>(type: "integer", nullable: false),
                    CreatedById = table.Column<int>(type: "integer", nullable: true),
                    CreatedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    BaselineNote = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_challenges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "challenge_teams",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ChallengeId = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedById = table.Column<int>(type: "integer", nullable: true),
                    CreatedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    IsBaseline = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_challenge_teams", x => x.Id);
                    table.ForeignKey(
                        name: "FK_challenge_teams_challenges_ChallengeId",
                        column: x => x.ChallengeId,
                        principalTable: "challenges",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "challenge_invitations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ChallengeId = table.Column<int>(type: "integer", nullable: false),
                    TeamId = table.Column<int>(type: "integer", nullable: false),
                    UserId = table.Column<int>(type: "integer", nullable: false),
                    InvitedById = table.Column<int>(type: "integer", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_challenge_invitations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_challenge_invitations_challenge_teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "challenge_teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_challenge_invitations_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "challenge_runs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ChallengeId = table.Column<int>(type: "integer", nullable: false),
                    TeamId = table.Column<int>(type: "integer", nullable: false),
                    SubmittedById = table.Column<int>(type: "integer", nullable: true),
                    SubmittedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Method = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    FileName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Bytes = table.Column<long>(type: "bigint", nullable: false),
                    Predictions = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ModelVersion = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ClaimedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ClaimedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ScoredUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    PublicMrr = table.Column<double>(type: "double precision", nullable: true),
                    PublicMacroMrr = table.Column<double>(type: "double precision", nullable: true),
                    PublicTop1 = table.Column<double>(type: "double precision", nullable: true),
                    PublicTop5 = table.Column<double>(type: "double precision", nullable: true),
                    PrivateMrr = table.Column<double>(type: "double precision", nullable: true),
                    PrivateMacroMrr = table.Column<double>(type: "double precision", nullable: true),
                    PrivateTop1 = table.Column<double>(type: "double precision", nullable: true),
                    PrivateTop5 = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_challenge_runs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_challenge_runs_challenge_teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "challenge_teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "challenge_team_members",
                columns: table => new
                {
                    ChallengeId = table.Column<int>(type: "integer", nullable: false),
                    UserId = table.Column<int>(type: "integer", nullable: false),
                    TeamId = table.Column<int>(type: "integer", nullable: false),
                    JoinedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_challenge_team_members", x => new { x.ChallengeId, x.UserId });
                    table.ForeignKey(
                        name: "FK_challenge_team_members_challenge_teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "challenge_teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_challenge_team_members_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_challenge_invitations_TeamId_UserId",
                table: "challenge_invitations",
                columns: new[] { "TeamId", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_challenge_invitations_UserId_ChallengeId",
                table: "challenge_invitations",
                columns: new[] { "UserId", "ChallengeId" });

            migrationBuilder.CreateIndex(
                name: "IX_challenge_runs_ChallengeId_TeamId_SubmittedUtc",
                table: "challenge_runs",
                columns: new[] { "ChallengeId", "TeamId", "SubmittedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_challenge_runs_Status",
                table: "challenge_runs",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_challenge_runs_TeamId",
                table: "challenge_runs",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_challenge_team_members_TeamId",
                table: "challenge_team_members",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_challenge_team_members_UserId",
                table: "challenge_team_members",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_challenge_teams_ChallengeId_Name",
                table: "challenge_teams",
                columns: new[] { "ChallengeId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_challenges_Slug",
                table: "challenges",
                column: "Slug",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "challenge_invitations");

            migrationBuilder.DropTable(
                name: "challenge_runs");

            migrationBuilder.DropTable(
                name: "challenge_team_members");

            migrationBuilder.DropTable(
                name: "challenge_teams");

            migrationBuilder.DropTable(
                name: "challenges");
        }
    }
}
