"""A Dalate screening ledger of a few children with families, imported the way a county does it."""

from pathlib import Path

from tongban.children.models import Child, ScreeningBatch
from tongban.children.screening.services import screening_commit, screening_upload
from tongban.children.tests.factories import born_years_ago, ordos_project
from tongban.children.tests.ledgers import child_row, ledger_bytes
from tongban.regions.models import Region
from tongban.testing import cast

NAMES = ["欧阳明轩", "王子琪", "祖拜旦·麦麦提吐尔什"]
FAMILY_NAMES = ["张建国", "李秀英", "张桂兰"]


def imported_children(tmp_path: Path, names: list[str] | None = None) -> tuple[ScreeningBatch, list[Child]]:
    rows = [child_row(name, birth=born_years_ago(6 + i, days=i), 备注=f"{name}常去奶奶家")
            for i, name in enumerate(names or NAMES)]
    batch = screening_upload(actor=cast("worker_dalate"), project=ordos_project(),
                             region=Region.objects.get(code="150621"), file_name="l.xlsx",
                             data=ledger_bytes(tmp_path, rows))
    ScreeningBatch.objects.filter(pk=batch.pk).update(state=ScreeningBatch.State.QUEUED)
    batch = screening_commit(batch_id=batch.pk)
    return batch, list(batch.children.order_by("pk"))
