"""Import runs take the field names of the one abstract run model (`workflows.models.runs.Run`):
processed → done, run_by → actor, and the project import's creation stamp started_at → created_at.
Renames keep every row's values."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workflows", "0014_planner_statistics_function")]

    operations = [
        migrations.RenameField(model_name="importrun", old_name="processed", new_name="done"),
        migrations.RenameField(model_name="importrun", old_name="run_by", new_name="actor"),
        migrations.RenameField(model_name="importrun", old_name="started_at", new_name="created_at"),
        migrations.RenameField(model_name="documentimportrun", old_name="processed", new_name="done"),
        migrations.RenameField(model_name="documentimportrun", old_name="run_by", new_name="actor"),
    ]
