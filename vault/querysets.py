"""Querysets for tracked models (encrypted fields, protected states, history).

``QuerySet.update()`` and ``bulk_update()`` write straight to the table: they
skip encryption, the state machine's protection and the history rows. On
these models they are refused; write through services that call ``save()``.
"""

from django.db import models


class TrackedWriteRefused(Exception):
    pass


class TrackedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TrackedWriteRefused(
            f"{self.model._meta.label}: QuerySet.update() bypasses encryption, state "
            "protection and history; load the rows and save() them through a service"
        )

    def bulk_update(self, objs, fields, batch_size=None):
        raise TrackedWriteRefused(
            f"{self.model._meta.label}: bulk_update() bypasses encryption, state "
            "protection and history; save() each row through a service"
        )


class TrackedManager(models.Manager.from_queryset(TrackedQuerySet)):
    pass
