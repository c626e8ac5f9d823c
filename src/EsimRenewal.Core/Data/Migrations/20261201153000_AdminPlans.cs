using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EsimRenewal.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class AdminPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "effective_from",
                table: "plan_versions",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            // Hand-written. The version on sale becomes "the latest version whose effective_from has passed"
            // instead of the is_current flag. Existing versions took effect when they were created, and the
            // current one is each plan's newest, so the storefront shows the same prices after the migration.
            migrationBuilder.Sql("UPDATE plan_versions SET effective_from = created_at; ALTER TABLE plan_versions ALTER COLUMN effective_from DROP DEFAULT;");
            // Guard: refuse to migrate (rather than change a price on sale) if a current version is not its plan's newest.
            migrationBuilder.Sql("""
                DO $$ BEGIN
                  IF EXISTS (SELECT 1 FROM plan_versions c JOIN plan_versions n ON n.plan_id = c.plan_id
                             WHERE c.is_current AND (n.created_at, n.number) > (c.created_at, c.number)) THEN
                    RAISE EXCEPTION 'plan_versions: a current version is not its plan''s newest; fix is_current before migrating';
                  END IF;
                END $$;
                """);

            migrationBuilder.DropIndex(
                name: "ix_plan_versions_plan_id_current",
                table: "plan_versions");

            migrationBuilder.DropColumn(
                name: "is_current",
                table: "plan_versions");

            // xmin is PostgreSQL's system column: this adds nothing to the table, only the model's concurrency token.
            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "plans",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);

            migrationBuilder.CreateIndex(
                name: "ix_plan_versions_plan_id_effective_from",
                table: "plan_versions",
                columns: new[] { "plan_id", "effective_from" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_plan_versions_plan_id_effective_from",
                table: "plan_versions");

            migrationBuilder.DropColumn(
                name: "xmin",
                table: "plans");

            migrationBuilder.AddColumn<bool>(
                name: "is_current",
                table: "plan_versions",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // Hand-written. Back to the flag: scheduled versions (not yet in effect, never sold) are dropped,
            // and each plan's latest version in effect becomes current.
            migrationBuilder.Sql("DELETE FROM plan_versions WHERE effective_from > now();");
            migrationBuilder.Sql("""
                UPDATE plan_versions v SET is_current = NOT EXISTS (
                  SELECT 1 FROM plan_versions w WHERE w.plan_id = v.plan_id AND (w.effective_from, w.number) > (v.effective_from, v.number));
                """);

            migrationBuilder.DropColumn(
                name: "effective_from",
                table: "plan_versions");

            migrationBuilder.CreateIndex(
                name: "ix_plan_versions_plan_id_current",
                table: "plan_versions",
                column: "plan_id",
                unique: true,
                filter: "is_current");
        }
    }
}
