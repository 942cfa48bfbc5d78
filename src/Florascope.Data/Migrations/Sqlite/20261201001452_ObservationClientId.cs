using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Florascope.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ObservationClientId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ClientId",
                table: "observations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_observations_AuthorId_ClientId",
                table: "observations",
                columns: new[] { "AuthorId", "ClientId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_observations_AuthorId_ClientId",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "ClientId",
                table: "observations");
        }
    }
}
