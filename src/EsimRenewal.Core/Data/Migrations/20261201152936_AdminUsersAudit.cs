using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EsimRenewal.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class AdminUsersAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "user_id",
                table: "outgoing_emails",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_users_created_at",
                table: "users",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_outgoing_emails_user_id",
                table: "outgoing_emails",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_action",
                table: "audit_entries",
                column: "action")
                .Annotation("Npgsql:IndexOperators", new[] { "varchar_pattern_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_actor_name",
                table: "audit_entries",
                column: "actor_name");

            migrationBuilder.AddForeignKey(
                name: "fk_outgoing_emails_users_user_id",
                table: "outgoing_emails",
                column: "user_id",
                principalTable: "users",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            // Hand-written: the audit log is append-only in the database. Any UPDATE, DELETE or TRUNCATE of
            // audit_entries raises, whoever runs it (the table's owner included), unless an owner first
            // disables the triggers (ALTER TABLE … DISABLE TRIGGER), which the application's role cannot do
            // (docs/decisions/0016-staff-accounts-and-append-only-audit.md).
            migrationBuilder.Sql(AppendOnlyAuditSql);
        }

        internal const string AppendOnlyAuditSql = """
            CREATE FUNCTION audit_entries_refuse_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_entries is append-only: % is not allowed', TG_OP
                    USING ERRCODE = 'insufficient_privilege',
                          HINT = 'Audit entries are never changed or deleted (docs/decisions/0016).';
            END;
            $$;

            CREATE TRIGGER audit_entries_append_only
                BEFORE UPDATE OR DELETE ON audit_entries
                FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change();

            CREATE TRIGGER audit_entries_no_truncate
                BEFORE TRUNCATE ON audit_entries
                FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse_change();
            """;

        internal const string DropAppendOnlyAuditSql = """
            DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries;
            DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries;
            DROP FUNCTION IF EXISTS audit_entries_refuse_change();
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(DropAppendOnlyAuditSql);

            migrationBuilder.DropForeignKey(
                name: "fk_outgoing_emails_users_user_id",
                table: "outgoing_emails");

            migrationBuilder.DropIndex(
                name: "ix_users_created_at",
                table: "users");

            migrationBuilder.DropIndex(
                name: "ix_outgoing_emails_user_id",
                table: "outgoing_emails");

            migrationBuilder.DropIndex(
                name: "ix_audit_entries_action",
                table: "audit_entries");

            migrationBuilder.DropIndex(
                name: "ix_audit_entries_actor_name",
                table: "audit_entries");

            migrationBuilder.DropColumn(
                name: "user_id",
                table: "outgoing_emails");
        }
    }
}
