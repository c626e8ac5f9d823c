using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EsimRenewal.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class AdminOrdersAndRefunds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "amount_refunded",
                table: "processed_stripe_events",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "order_id",
                table: "processed_stripe_events",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "order_id",
                table: "outbox_messages",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "refund_id",
                table: "orders",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "refund_reason",
                table: "orders",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refund_requested_at",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "refund_requested_by_id",
                table: "orders",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "refund_rolls_back",
                table: "orders",
                type: "boolean",
                nullable: true);

            // Existing carrier messages name their order in the payload ("order:{id}"; a voucher
            // redemption's by the redemption id): link them for the admin's order page.
            migrationBuilder.Sql("""
                UPDATE outbox_messages SET order_id = substring(payload->>'requestId' from 7)::uuid
                WHERE payload->>'requestId' LIKE 'order:%';
                UPDATE outbox_messages m SET order_id = r.order_id
                FROM voucher_redemptions r WHERE m.order_id IS NULL AND m.payload->>'requestId' = r.id::text;
                """);

            migrationBuilder.CreateIndex(
                name: "ix_processed_stripe_events_order_id_processed_at",
                table: "processed_stripe_events",
                columns: new[] { "order_id", "processed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_order_id",
                table: "outbox_messages",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_orders_created_at",
                table: "orders",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_orders_email",
                table: "orders",
                column: "email");

            migrationBuilder.AddForeignKey(
                name: "fk_outbox_messages_orders_order_id",
                table: "outbox_messages",
                column: "order_id",
                principalTable: "orders",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_processed_stripe_events_orders_order_id",
                table: "processed_stripe_events",
                column: "order_id",
                principalTable: "orders",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_outbox_messages_orders_order_id",
                table: "outbox_messages");

            migrationBuilder.DropForeignKey(
                name: "fk_processed_stripe_events_orders_order_id",
                table: "processed_stripe_events");

            migrationBuilder.DropIndex(
                name: "ix_processed_stripe_events_order_id_processed_at",
                table: "processed_stripe_events");

            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_order_id",
                table: "outbox_messages");

            migrationBuilder.DropIndex(
                name: "ix_orders_created_at",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_email",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "amount_refunded",
                table: "processed_stripe_events");

            migrationBuilder.DropColumn(
                name: "order_id",
                table: "processed_stripe_events");

            migrationBuilder.DropColumn(
                name: "order_id",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "refund_id",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "refund_reason",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "refund_requested_at",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "refund_requested_by_id",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "refund_rolls_back",
                table: "orders");
        }
    }
}
