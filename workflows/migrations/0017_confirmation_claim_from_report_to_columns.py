"""The one-confirmation guard of a dry run moves from a key of its JSON report
(`report["confirming"] = True`) to the `confirmed_at` / `confirmed_by` columns, which a
conditional update sets once. Dated and signed by the run that confirmed it when there is one,
else by the dry run itself; reversible."""

from django.db import migrations

CLAIM = "confirming"


def claims_to_columns(apps, schema_editor):
    ImportRun = apps.get_model("workflows", "ImportRun")
    for dry in ImportRun.objects.filter(report__has_key=CLAIM).iterator():
        report = dict(dry.report or {})
        claimed = report.pop(CLAIM, False)
        if claimed and dry.status == "dry_run":
            confirming = ImportRun.objects.filter(report__confirmed_from=dry.pk).order_by("pk").first()
            source = confirming or dry
            dry.confirmed_at = source.created_at
            dry.confirmed_by_id = source.actor_id
        dry.report = report
        dry.save(update_fields=["report", "confirmed_at", "confirmed_by"])


def columns_to_claims(apps, schema_editor):
    ImportRun = apps.get_model("workflows", "ImportRun")
    for dry in ImportRun.objects.filter(confirmed_at__isnull=False).iterator():
        dry.report = {**(dry.report or {}), CLAIM: True}
        dry.confirmed_at = dry.confirmed_by = None
        dry.save(update_fields=["report", "confirmed_at", "confirmed_by"])


class Migration(migrations.Migration):
    dependencies = [("workflows", "0016_run_model_progress_and_confirmation")]

    operations = [migrations.RunPython(claims_to_columns, columns_to_claims)]
