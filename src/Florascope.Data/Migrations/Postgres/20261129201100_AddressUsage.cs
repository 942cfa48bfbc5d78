using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Florascope.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddressUsage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "address_usage",
                columns: table => new
                {
                    address_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_address_usage", x => new { x.address_hash, x.day });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "address_usage");
        }
    }
}
