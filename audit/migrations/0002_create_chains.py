"""Create the AUDIT_CHAIN_COUNT chain heads the access log writes on.

Read from settings once, here; a raised count later gets its new chains from
audit.services (audit_chains_create) the first time all chains are busy.
"""

from django.conf import settings
from django.db import migrations


def create_chains(apps, schema_editor):
    AuditChain = apps.get_model("audit", "AuditChain")
    AuditChain.objects.using(schema_editor.connection.alias).bulk_create(
        [AuditChain(number=number) for number in range(settings.AUDIT_CHAIN_COUNT)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_chains, migrations.RunPython.noop)]
