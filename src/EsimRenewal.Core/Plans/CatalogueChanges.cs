namespace EsimRenewal.Core.Plans;

/// <summary>
/// The signal every committed change to the catalogue sends through PostgreSQL: a statement trigger on
/// <c>plans</c> and <c>plan_versions</c> runs <c>pg_notify</c> on <see cref="Channel"/> (migration
/// CatalogueChangeSignal), so each portal instance listening there forgets its cached catalogue pages,
/// whoever made the change. Scheduled versions need no signal: the pages' cache knows when the next one
/// goes on sale (<see cref="CatalogService.NextScheduledChangeAsync"/>).
/// </summary>
public static class CatalogueChanges
{
    public const string Channel = "esim_catalogue_changed";

    internal const string CreateTriggersSql = """
        CREATE FUNCTION notify_catalogue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('esim_catalogue_changed', TG_TABLE_NAME);
            RETURN NULL;
        END $$;
        CREATE TRIGGER plans_catalogue_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plans
            FOR EACH STATEMENT EXECUTE FUNCTION notify_catalogue_changed();
        CREATE TRIGGER plan_versions_catalogue_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plan_versions
            FOR EACH STATEMENT EXECUTE FUNCTION notify_catalogue_changed();
        """;

    internal const string DropTriggersSql = """
        DROP TRIGGER plan_versions_catalogue_changed ON plan_versions;
        DROP TRIGGER plans_catalogue_changed ON plans;
        DROP FUNCTION notify_catalogue_changed();
        """;
}
