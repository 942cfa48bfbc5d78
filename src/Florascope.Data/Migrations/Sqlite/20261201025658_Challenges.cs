using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Florascope.Data.Migrations.Sqlite
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
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Slug = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    OpensUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ClosesUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ClosedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DailySubmissionLimit = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxTeamSize = table.Column<int>(type: "INTEGER", nullable: false),
                    PublicPercent = table.Column<int>(type: "INTEGER", nullable: false),
                    SplitKey = table.Column<byte[]>(type: "BLOB", nullable: false),
                    TrainPhotos = table.Column<int>(type: "INTEGER", nullable: false),
                    TestObservations = table.Column<int>(type: "INTEGER", nullable: false),
                    Classes = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedById = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    BaselineNote = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_challenges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "challenge_teams",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ChallengeId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedById = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    IsBaseline = table.Column<bool>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ChallengeId = table.Column<int>(type: "INTEGER", nullable: false),
                    TeamId = table.Column<int>(type: "INTEGER", nullable: false),
                    UserId = table.Column<int>(type: "INTEGER", nullable: false),
                    InvitedById = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ChallengeId = table.Column<int>(type: "INTEGER", nullable: false),
                    TeamId = table.Column<int>(type: "INTEGER", nullable: false),
                    SubmittedById = table.Column<int>(type: "INTEGER", nullable: true),
                    SubmittedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Predictions = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ModelVersion = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ClaimedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ClaimedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ScoredUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PublicMrr = table.Column<double>(type: "REAL", nullable: true),
                    PublicMacroMrr = table.Column<double>(type: "REAL", nullable: true),
                    PublicTop1 = table.Column<double>(type: "REAL", nullable: true),
                    PublicTop5 = table.Column<double>(type: "REAL", nullable: true),
                    PrivateMrr = table.Column<double>(type: "REAL", nullable: true),
                    PrivateMacroMrr = table.Column<double>(type: "REAL", nullable: true),
                    PrivateTop1 = table.Column<double>(type: "REAL", nullable: true),
                    PrivateTop5 = table.Column<double>(type: "REAL", nullable: true)
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
                    ChallengeId = table.Column<int>(type: "INTEGER", nullable: false),
                    UserId = table.Column<int>(type: "INTEGER", nullable: false),
                    TeamId = table.Column<int>(type: "INTEGER", nullable: false),
                    JoinedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
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
