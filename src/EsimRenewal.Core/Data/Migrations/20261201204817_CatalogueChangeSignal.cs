using EsimRenewal.Core.Plans;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EsimRenewal.Core.Data.Migrations
{
    /// <summary>Hand-written: statement triggers on plans and plan_versions that pg_notify every committed change (CatalogueChanges).</summary>
    public partial class CatalogueChangeSignal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(CatalogueChanges.CreateTriggersSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(CatalogueChanges.DropTriggersSql);
        }
    }
}
