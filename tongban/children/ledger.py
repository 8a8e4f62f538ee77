"""The ledger (台账) export: the children a user may see, one row each, as an Excel workbook.

Columns carry the screening template's Chinese headers, so an exported ledger can be
uploaded again (its children are then recognised as already on file). ID numbers and
phones are masked unless the user may reveal them and asks, with a reason; every
export is one audit event. The number of queries does not depend on the number of rows.

Every cell passes through tongban.core.spreadsheets, so text that looks like a formula
is written as text.
"""

import io
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tongban.accounts.access import children_q, scope_for
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.children.choices import LifeStatus, ParentCondition, Relation, Welfare
from tongban.children.models import Child, ChildCategory, FamilyMember
from tongban.children.outsiders import Scrubber, county_label, outsider_id, outsider_phone
from tongban.children.selectors import children_visible_to, filter_children, search_children
from tongban.core.spreadsheets import safe_row
from tongban.regions.models import Region

HEADERS = [
    "序号", "姓名", "化名", "性别", "民族", "出生日期", "年龄", "身份证号", "户籍性质", "所属乡镇（街道）",
    "所属村（社区）", "现住址", "就读学校", "年级", "健康状况", "困境类型", "父亲姓名", "父亲状况",
    "母亲姓名", "母亲状况", "监护人姓名", "与儿童关系", "监护人联系电话", "是否享受低保", "其他救助",
    "其他家庭成员", "风险等级", "状态", "所属项目", "备注",
]
WIDTHS = {"姓名": 12, "身份证号": 22, "现住址": 30, "困境类型": 28, "父亲状况": 16, "母亲状况": 16,
          "其他家庭成员": 24, "所属项目": 26, "备注": 30, "监护人联系电话": 16}
# For outsiders (对外): the pseudonym, the age, the county; no name, birth date, address, school, family names or
# remarks (children/outsiders.py).
OUTSIDER_HEADERS = [
    "序号", "化名", "性别", "民族", "年龄", "身份证号", "户籍性质", "所属旗县区", "年级", "健康状况", "困境类型",
    "父亲状况", "母亲状况", "监护人与儿童关系", "监护人联系电话", "是否享受低保", "其他救助", "风险等级", "状态",
    "所属项目",
]
SEX = {"M": "男", "F": "女"}
FAMILY_FIELDS = ("child_id", "name", "relation", "life_status", "condition", "works_away", "health", "is_guardian",
                 "phone_masked", "phone_encrypted")
PROGRESS_EVERY = 500
HUKOU = {"rural": "农业", "urban": "非农业"}
# The words the screening import reads back (tongban/children/screening/columns.py).
RELATION = {Relation.FATHER: "父亲", Relation.MOTHER: "母亲", Relation.PATERNAL_GRANDFATHER: "祖父",
            Relation.PATERNAL_GRANDMOTHER: "祖母", Relation.MATERNAL_GRANDFATHER: "外祖父",
            Relation.MATERNAL_GRANDMOTHER: "外祖母", Relation.UNCLE: "叔叔", Relation.AUNT: "姑姑",
            Relation.SIBLING: "哥哥", Relation.STEP_PARENT: "继父", Relation.OTHER: "其他"}
CONDITION = {ParentCondition.SERIOUS_ILLNESS: "重病", ParentCondition.SEVERE_DISABILITY: "重残",
             ParentCondition.IN_PRISON: "服刑在押", ParentCondition.DRUG_REHAB: "强制隔离戒毒",
             ParentCondition.LOSS_OF_LIBERTY: "限制人身自由", ParentCondition.LOST_CONTACT: "失联",
             ParentCondition.GUARDIANSHIP_REVOKED: "撤销监护资格", ParentCondition.DEPORTED: "遣送出境"}
def ledger_filters(user: Any, data: Any) -> dict[str, Any]:
    """The list page's filters (a QueryDict), cleaned within what the user may see; none when they do not parse."""
    from tongban.children.forms import ChildFilterForm
    from tongban.regions.selectors import regions_visible_to

    form = ChildFilterForm(data or None, regions=regions_visible_to(user))
    return form.cleaned_data if form.is_valid() else {}


def ledger_children(user: Any, params: dict[str, Any]) -> QuerySet[Child]:
    """The children of the list page with its filters (already cleaned by its filter form)."""
    qs = children_visible_to(user)
    qs = search_children(qs, params.get("q") or "")
    qs = filter_children(qs, region=params.get("region"), category=params.get("category"),
                         risk=params.get("risk") or "", status=params.get("status") or "",
                         sex=params.get("sex") or "", ethnicity=params.get("ethnicity") or "",
                         age_min=params.get("age_min"), age_max=params.get("age_max"))
    if params.get("batch"):
        qs = qs.filter(screening_batch_id=params["batch"])
    return qs


def export_ledger(user: Any, queryset: QuerySet[Child], reveal_ids: bool, *, reason: str = "",
                  filters: dict[str, Any] | None = None, today: date | None = None, outsider: bool = False,
                  progress: Callable[[int, int], None] | None = None) -> bytes:
    """The xlsx of these children. Queries: children, family members, categories, and the audit event.

    `outsider`: the version for outsiders, under pseudonyms. `progress(done, total)` is told every few hundred rows.
    """
    scope = scope_for(user)
    if scope.is_empty:
        raise PermissionDenied
    reason = (reason or "").strip()
    if reveal_ids and outsider:
        raise ValidationError(_("A ledger for outsiders never holds full ID numbers."))
    if reveal_ids:
        if not scope.may_reveal():
            raise PermissionDenied(_("Your role cannot see full ID numbers."))
        if len(reason) < 2:
            raise ValidationError({"reason": _("Say why you need the full numbers; the reason is recorded.")})
    # Whatever the caller passed, only what the user may see leaves the building.
    queryset = queryset.filter(children_q(user), merged_into__isnull=True)
    today = today or date.today()
    children = list(queryset.select_related("project").order_by("region__path", "name_pinyin", "pk"))
    regions = _regions_of(children)
    ids = queryset.order_by().values("pk")
    family: dict[int, list[FamilyMember]] = defaultdict(list)
    for member in FamilyMember.objects.filter(child__in=ids).only(*FAMILY_FIELDS).order_by("child_id", "pk"):
        family[member.child_id].append(member)
    categories: dict[int, list[str]] = defaultdict(list)
    for child_id, name in ChildCategory.objects.filter(child__in=ids).order_by(
            "child_id", "category__order", "category__code").values_list("child_id", "category__name"):
        categories[child_id].append(name)
    with translation.override(settings.LANGUAGE_CODE):
        content = _workbook(children, regions, family, categories, reveal_ids, today, outsider=outsider,
                            progress=progress)
    audit_record(actor=user, action=AuditEvent.Action.EXPORT, target=None, reason=reason[:300], changes={
        "what": "children_ledger", "count": len(children), "full_ids": reveal_ids, "for_outsiders": outsider,
        "filters": _recordable(filters)})
    return content


def _recordable(filters: dict[str, Any] | None) -> list[str]:
    """The filters for the audit trail ("region=达拉特旗"). A search may be an ID number or a phone: a search
    with digits is recorded as "q=***"."""
    kept = []
    for name, value in (filters or {}).items():
        if value in (None, ""):
            continue
        text = str(value)
        kept.append(f"{name}=***" if name == "q" and any(ch.isdigit() for ch in text) else f"{name}={text}")
    return kept


def _regions_of(children: list[Child]) -> dict[int, Region]:
    """The children's regions, each with its parents up to the province, loaded once: a county's few hundred
    villages rather than four Region objects per row. Two queries: the regions, then their ancestors (the codes
    in their paths)."""
    regions = {r.pk: r for r in Region.objects.filter(pk__in={c.region_id for c in children})}
    codes = {code for r in regions.values() for code in r.path.strip("/").split("/")}
    by_code = {r.code: r for r in regions.values()}
    by_code.update((r.code, r) for r in Region.objects.filter(code__in=codes - by_code.keys()))
    by_pk = {r.pk: r for r in by_code.values()}
    for region in by_pk.values():
        if region.parent_id in by_pk:
            region.parent = by_pk[region.parent_id]
    return regions


def _workbook(children: list[Child], regions: dict[int, Region], family: dict[int, list[FamilyMember]],
              categories: dict[int, list[str]], reveal: bool, today: date, *, outsider: bool = False,
              progress: Callable[[int, int], None] | None = None) -> bytes:
    labels = Labels()
    headers = OUTSIDER_HEADERS if outsider else HEADERS
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账（对外）" if outsider else "台账")
    for index, header in enumerate(headers):
        sheet.column_dimensions[_letter(index)].width = WIDTHS.get(header, 10)
    sheet.freeze_panes = "C2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    total = len(children)
    for number, child in enumerate(children, start=1):
        members = family[child.pk]
        child.region = regions[child.region_id]
        row = _outsider_row(number, child, members, categories[child.pk], today, labels) if outsider else \
            _row(number, child, members, categories[child.pk], reveal, today, labels)
        sheet.append(safe_row(row))
        if progress and number % PROGRESS_EVERY == 0:
            progress(number, total)
    if progress:
        progress(total, total)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _row(number: int, child: Child, members: list[FamilyMember], categories: list[str], reveal: bool,
         today: date, labels: "Labels") -> list[Any]:
    region = child.region
    township, village = (region.parent.name if region.parent else "", region.name) \
        if region.level == region.Level.VILLAGE else (region.name, "")
    father = next((m for m in members if m.relation == Relation.FATHER), None)
    mother = next((m for m in members if m.relation == Relation.MOTHER), None)
    guardian = next((m for m in members if m.is_guardian), None)
    others = [m for m in members if m not in (father, mother, guardian)]
    welfare = [w for w in child.welfare or [] if w != Welfare.DIBAO]
    return [
        number, child.name, child.pseudonym, SEX.get(child.sex, ""), child.ethnicity, child.birth_date,
        child.age_on(today), (child.id_number() if reveal else child.id_masked) or "", HUKOU.get(child.hukou, ""),
        township, village, child.address, child.school, child.grade, child.health, "、".join(categories),
        father.name if father else "", _state(father), mother.name if mother else "", _state(mother),
        guardian.name if guardian else "", RELATION.get(guardian.relation, "") if guardian else "",
        (guardian.phone() if reveal else guardian.phone_masked) if guardian else "",
        "是" if Welfare.DIBAO in (child.welfare or []) else "否",
        "、".join(labels.welfare.get(w, w) for w in welfare),
        "、".join(f"{labels.relation.get(m.relation, m.relation)} {m.name}".strip() for m in others),
        labels.risk.get(child.risk, child.risk), labels.status.get(child.status, child.status), child.project.name,
        child.notes,
    ]


def _outsider_row(number: int, child: Child, members: list[FamilyMember], categories: list[str],
                  today: date, labels: "Labels") -> list[Any]:
    row = dict(zip(HEADERS, _row(number, child, members, categories, False, today, labels), strict=True))
    guardian = next((m for m in members if m.is_guardian), None)
    scrub = Scrubber(name=child.name, pseudonym=child.pseudonym,
                     family=[(m.name, RELATION.get(m.relation, "家属")) for m in members])
    row.update({"化名": child.pseudonym, "身份证号": outsider_id(child.id_masked),
                "所属旗县区": county_label(child.region), "所属项目": child.project.name,
                "监护人与儿童关系": row["与儿童关系"],
                "监护人联系电话": outsider_phone(guardian.phone_masked) if guardian else ""})
    return [scrub(row[h]) if isinstance(row[h], str) else row[h] for h in OUTSIDER_HEADERS]


class Labels:
    """The choices' words in the active language, looked up once per export rather than once per cell."""

    def __init__(self) -> None:
        self.risk = {value: str(label) for value, label in Child._meta.get_field("risk").flatchoices}
        self.status = {value: str(label) for value, label in Child._meta.get_field("status").flatchoices}
        self.relation = {value: str(label) for value, label in Relation.choices}
        self.welfare = {value: str(label) for value, label in Welfare.choices}


def _state(member: FamilyMember | None) -> str:
    """A parent's situation in the ledger's words (健在, 死亡, 外出务工, 服刑在押…)."""
    if member is None:
        return ""
    words = []
    if member.life_status == LifeStatus.DEAD:
        words.append("死亡")
    elif member.life_status == LifeStatus.MISSING:
        words.append("失踪")
    if member.condition in CONDITION:
        words.append(CONDITION[member.condition])
    if member.works_away:
        words.append("外出务工")
    for part in (member.health or "").split("、"):
        if part and part not in words:
            words.append(part)
    return "、".join(words) or "健在"


def _letter(index: int) -> str:
    return get_column_letter(index + 1)
