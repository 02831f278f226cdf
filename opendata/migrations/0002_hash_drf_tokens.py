"""Move DRF's plain-text tokens (table authtoken_token, app removed) into hashed ApiTokens and empty the
old table: existing clients keep their key until it expires, and the database holds no usable key."""

import datetime
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("opendata", "ApiToken")
    lifetime = datetime.timedelta(days=getattr(settings, "API_TOKEN_LIFETIME_DAYS", 180))
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id FROM authtoken_token")
        rows = cursor.fetchall()
        for key, user_id in rows:
            ApiToken.objects.using(connection.alias).create(
                user_id=user_id,
                prefix=key[:6],
                digest=hashlib.sha256(key.encode()).hexdigest(),
                created_at=now,
                expires_at=now + lifetime,
            )
        cursor.execute("DELETE FROM authtoken_token")


class Migration(migrations.Migration):
    dependencies = [("opendata", "0001_api_token")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
