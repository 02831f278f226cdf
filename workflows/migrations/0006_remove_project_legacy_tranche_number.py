from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workflows", "0005_legacy_tranche_numbers_to_ledger")]

    operations = [migrations.RemoveField(model_name="project", name="legacy_tranche_number")]
