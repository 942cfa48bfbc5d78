using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Florascope.Data.Migrations.Sqlite
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
                type: "INTEGER",
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
