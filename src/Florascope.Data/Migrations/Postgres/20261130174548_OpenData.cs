using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Florascope.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OpenData : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ObservedOffsetMinutes",
                table: "observations",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ObservedOffsetMinutes",
                table: "observations");
        }
    }
}
