"""The call's year copied onto each project, with the keyset index of the year sort."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_call_years(apps, schema_editor):
    Project = apps.get_model("workflows", "Project")
    Call = apps.get_model("workflows", "Call")
    Project.objects.update(call_year=Subquery(Call.objects.filter(pk=OuterRef("call_id")).values("year")[:1]))


class Migration(migrations.Migration):
    dependencies = [("workflows", "0018_selected_on_unknown_when_only_the_year")]

    operations = [
        migrations.AddField(
            model_name="project",
            name="call_year",
            field=models.PositiveIntegerField(editable=False, null=True, verbose_name="année de l'appel"),
        ),
        migrations.RunPython(copy_call_years, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="project",
            name="call_year",
            field=models.PositiveIntegerField(editable=False, verbose_name="année de l'appel"),
        ),
        migrations.AlterModelOptions(
            name="project",
            options={
                "ordering": ["-call_year", "public_id"],
                "permissions": [
                    ("decide_project_status", "Décider du statut d'un projet (abandon, caducité, fin, reprise)")
                ],
                "verbose_name": "projet",
                "verbose_name_plural": "projets",
            },
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["call_year", "public_id"], name="project_year_keyset"),
        ),
    ]
