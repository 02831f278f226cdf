"""Background jobs take the field names of the one abstract run model (`workflows.models.runs.Run`):
requested_by → actor, requested_at → created_at. Renames keep every row's values."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_worker_heartbeats")]

    operations = [
        migrations.RenameField(model_name="backgroundjob", old_name="requested_by", new_name="actor"),
        migrations.RenameField(model_name="backgroundjob", old_name="requested_at", new_name="created_at"),
    ]
