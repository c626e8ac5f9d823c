using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EsimRenewal.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class SimLinkingAndThrottling : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Attempt counters are short-lived state keyed by a new scheme ({purpose}/{kind}:{id}): the old
            // table's rows mean nothing under it, so it is replaced rather than renamed.
            migrationBuilder.DropTable(
                name: "code_attempt_counters");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "owned_since",
                table: "sims",
                type: "timestamp with time zone",
                nullable: true);

            // SIMs already on an account have been theirs since they were created.
            migrationBuilder.Sql("UPDATE sims SET owned_since = created_at WHERE owner_id IS NOT NULL");

            migrationBuilder.CreateTable(
                name: "attempt_counters",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    failures = table.Column<int>(type: "integer", nullable: false),
                    window_started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_attempt_counters", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "spent_challenges",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_spent_challenges", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_spent_challenges_expires_at",
                table: "spent_challenges",
                column: "expires_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "attempt_counters");

            migrationBuilder.DropTable(
                name: "spent_challenges");

            migrationBuilder.DropColumn(
                name: "owned_since",
                table: "sims");

            migrationBuilder.CreateTable(
                name: "code_attempt_counters",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    failures = table.Column<int>(type: "integer", nullable: false),
                    locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    window_started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_code_attempt_counters", x => x.key);
                });
        }
    }
}
