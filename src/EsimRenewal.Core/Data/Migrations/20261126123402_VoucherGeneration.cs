using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EsimRenewal.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class VoucherGeneration : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "generated_at",
                table: "voucher_batches",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "generated_count",
                table: "voucher_batches",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "voucher_code_export_chunks",
                columns: table => new
                {
                    batch_id = table.Column<Guid>(type: "uuid", nullable: false),
                    first_index = table.Column<int>(type: "integer", nullable: false),
                    sealed_codes = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_voucher_code_export_chunks", x => new { x.batch_id, x.first_index });
                    table.ForeignKey(
                        name: "fk_voucher_code_export_chunks_voucher_batches_batch_id",
                        column: x => x.batch_id,
                        principalTable: "voucher_batches",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_voucher_batches_generated",
                table: "voucher_batches",
                sql: "generated_count BETWEEN 0 AND quantity");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "voucher_code_export_chunks");

            migrationBuilder.DropCheckConstraint(
                name: "ck_voucher_batches_generated",
                table: "voucher_batches");

            migrationBuilder.DropColumn(
                name: "generated_at",
                table: "voucher_batches");

            migrationBuilder.DropColumn(
                name: "generated_count",
                table: "voucher_batches");
        }
    }
}
