using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Florascope.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Checklists : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Project",
                table: "observations",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(32)",
                oldMaxLength: 32);

            migrationBuilder.CreateTable(
                name: "checklist_projects",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    SourceFile = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: false),
                    AcceptedCount = table.Column<int>(type: "integer", nullable: false),
                    SynonymCount = table.Column<int>(type: "integer", nullable: false),
                    VernacularCount = table.Column<int>(type: "integer", nullable: false),
                    ImportedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_checklist_projects", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "checklist_names",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProjectId = table.Column<int>(type: "integer", nullable: false),
                    TaxonId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CanonicalName = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Authorship = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Rank = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    TaxonomicStatus = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AcceptedTaxonId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Genus = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Family = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_checklist_names", x => x.Id);
                    table.ForeignKey(
                        name: "FK_checklist_names_checklist_projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "checklist_projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "checklist_vernacular_names",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    NameId = table.Column<long>(type: "bigint", nullable: false),
                    Name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_checklist_vernacular_names", x => x.Id);
                    table.ForeignKey(
                        name: "FK_checklist_vernacular_names_checklist_names_NameId",
                        column: x => x.NameId,
                        principalTable: "checklist_names",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_checklist_names_ProjectId_TaxonId",
                table: "checklist_names",
                columns: new[] { "ProjectId", "TaxonId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_checklist_projects_Code",
                table: "checklist_projects",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_checklist_vernacular_names_NameId",
                table: "checklist_vernacular_names",
                column: "NameId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "checklist_vernacular_names");

            migrationBuilder.DropTable(
                name: "checklist_names");

            migrationBuilder.DropTable(
                name: "checklist_projects");

            migrationBuilder.AlterColumn<string>(
                name: "Project",
                table: "observations",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(40)",
                oldMaxLength: 40);
        }
    }
}
