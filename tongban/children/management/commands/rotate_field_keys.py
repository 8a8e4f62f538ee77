from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from tongban.children.models import Child, FamilyMember
from tongban.core import crypto

BATCH = 2000


class Command(BaseCommand):
    help = (
        "Re-encrypt ID numbers and phones under the first key of FIELD_ENCRYPTION_KEYS. "
        "Put the new key first, keep the old ones after it, run this, then drop the old keys."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model, field in ((Child, "id_encrypted"), (FamilyMember, "phone_encrypted")):
            last_pk = 0
            while True:
                rows = list(model.objects.filter(pk__gt=last_pk).exclude(**{field: ""})
                            .order_by("pk").only("pk", field)[:BATCH])
                if not rows:
                    break
                for row in rows:
                    setattr(row, field, crypto.rotate(getattr(row, field)))
                with transaction.atomic():
                    model.objects.bulk_update(rows, [field])
                total += len(rows)
                last_pk = rows[-1].pk
        self.stdout.write(f"{total} values re-encrypted under the newest key.")
