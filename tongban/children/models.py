from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from tongban.children import idnumber
from tongban.children.choices import (
    ETHNICITY_CHOICES,
    Disability,
    DisabilityGrade,
    GuardianshipQuality,
    Hukou,
    LifeStatus,
    ParentCondition,
    Relation,
    Risk,
    Sex,
    Status,
    Welfare,
)
from tongban.core import crypto
from tongban.organisations.models import Organisation, Project
from tongban.regions.models import Region


class DifficultyCategory(models.Model):
    """An official or local category of children in difficulty. Configurable data, seeded by migration."""

    class Rule(models.TextChoices):
        MANUAL = "", _("recorded by a worker")
        ORPHAN = "orphan", _("orphan rule")
        DE_FACTO_UNSUPPORTED = "de_facto_unsupported", _("de-facto unsupported rule")
        LEFT_BEHIND = "left_behind", _("rural left-behind rule")
        OWN_DISABILITY = "own_disability", _("child's own disability")
        WELFARE_DIBAO = "welfare_dibao", _("receives 低保")
        WELFARE_TEKUN = "welfare_tekun", _("receives 特困 support")
        PARENT_IN_PRISON = "parent_in_prison", _("a parent serving a sentence")
        PARENT_DRUGS = "parent_drugs", _("a parent in drug rehabilitation")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", verbose_name=_("belongs to"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="subtypes")
    rule = models.CharField(_("how it is decided"), max_length=30, choices=Rule.choices, blank=True)
    basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    is_family_marker = models.BooleanField(_("family marker"), default=False)
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("difficulty category")
        verbose_name_plural = _("difficulty categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_computed(self) -> bool:
        return bool(self.rule)


class ChildQuerySet(models.QuerySet["Child"]):
    def current(self) -> "ChildQuerySet":
        """Files in use: not merged into another file."""
        return self.filter(merged_into__isnull=True)

    def with_id_digest(self, *digests: str) -> "ChildQuerySet":
        return self.filter(current_with_id_digest(*digests))

    def in_region(self, region: Region) -> "ChildQuerySet":
        return self.filter(region__in=Region.objects.within(region).values("pk"))

    def in_category(self, category: DifficultyCategory) -> "ChildQuerySet":
        return self.filter(categories__category=category)

    def born_between(self, earliest: date, latest: date) -> "ChildQuerySet":
        return self.filter(birth_date__gte=earliest, birth_date__lte=latest)


def current_with_id_digest(*digests: str) -> Q:
    """Current files with one of these ID number digests. Said with the very condition of
    one_current_file_per_id_number, the only index of the digests, so that both databases read it from there
    (SQLite uses a partial index only when the query states its condition; PostgreSQL cannot prove it from a list of
    more than 100 values). The empty string is written into the SQL, not passed as a parameter: SQLite matches the
    condition's terms as written, and a parameter is not the index's ''."""
    return Q(merged_into__isnull=True) & ~Q(id_digest=RawSQL("''", [])) & Q(id_digest__in=digests)


class Child(models.Model):
    """One child's file (一人一档)."""

    # No index of its own: every index of the lists (and pseudonym_unique_in_project) starts with the project.
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="children",
                                db_index=False)
    region = models.ForeignKey(Region, verbose_name=_("current region"), on_delete=models.PROTECT,
                               related_name="child_files", db_index=False)  # child_region_files_idx below
    name = models.CharField(_("name"), max_length=60)
    pseudonym = models.CharField(_("pseudonym"), max_length=30,
                                 help_text=_("Used wherever the child is shown to outsiders."))
    # Search keys, kept in step with the name by the services (search.name_keys): searches match their beginning,
    # and the end of the name as the beginning of the keys read backwards (_rev), each from an index below.
    name_pinyin = models.CharField(max_length=200, editable=False)
    name_initials = models.CharField(max_length=60, editable=False)
    name_pinyin_rev = models.CharField(max_length=200, editable=False, default="")
    name_initials_rev = models.CharField(max_length=60, editable=False, default="")
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    ethnicity = models.CharField(_("ethnicity"), max_length=10, choices=ETHNICITY_CHOICES, default="汉族")
    # The resident ID number is stored only encrypted; it is found through keyed digests, compared only with "="
    # (Meta.indexes: plain B-trees, without the second pattern-matching index PostgreSQL gets for db_index).
    # The full number's digest is indexed by one_current_file_per_id_number alone: see with_id_digest().
    id_encrypted = models.TextField(editable=False, blank=True)
    id_masked = models.CharField(_("ID number"), max_length=18, editable=False, blank=True)
    id_digest = models.CharField(max_length=40, editable=False, blank=True)
    id_tail4 = models.CharField(max_length=40, editable=False, blank=True)
    id_tail5 = models.CharField(max_length=40, editable=False, blank=True)
    id_tail6 = models.CharField(max_length=40, editable=False, blank=True)
    hukou = models.CharField(_("household registration"), max_length=10, choices=Hukou.choices, blank=True)
    address = models.CharField(_("current address"), max_length=300, blank=True)
    school = models.CharField(_("school"), max_length=100, blank=True)
    grade = models.CharField(_("grade"), max_length=30, blank=True)
    health = models.CharField(_("health"), max_length=300, blank=True)
    disability = models.CharField(_("disability"), max_length=20, choices=Disability.choices, blank=True)
    disability_grade = models.PositiveSmallIntegerField(_("disability grade"), choices=DisabilityGrade.choices,
                                                        null=True, blank=True)
    psychological_state = models.CharField(_("psychological state"), max_length=300, blank=True)
    notes = models.TextField(_("remarks"), blank=True, help_text=_("e.g. the 备注 column of a screening ledger"))
    welfare = models.JSONField(_("welfare received"), default=list, blank=True)
    risk = models.CharField(_("risk level"), max_length=10, choices=Risk.choices, default=Risk.LOW)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SCREENED)
    assigned_worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned social worker"),
                                        null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                        db_index=False)  # child_assigned_worker_idx below
    screening_batch = models.ForeignKey("ScreeningBatch", verbose_name=_("screening batch"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="children")
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_from",
                                    db_index=False)  # child_merged_into_idx below
    # Never queried by creator: no index to maintain on every insert.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # Set when the retention period ran out and the file was anonymised (manage.py anonymise_closed).
    anonymised_on = models.DateField(_("anonymised on"), null=True, blank=True, editable=False)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["name_pinyin", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "pseudonym"], name="pseudonym_unique_in_project"),
            models.UniqueConstraint(fields=["id_digest"], condition=~Q(id_digest="") & Q(merged_into__isnull=True),
                                    name="one_current_file_per_id_number"),
        ]
        indexes = [
            # Lists and dashboard figures of a banner or village (team leads, workers, bureaus) count, filter
            # and sort from the index alone.
            models.Index(fields=["project", "region", "merged_into", "name_pinyin", "status", "assigned_worker",
                                 "risk"], name="child_region_list_idx"),
            # Lists count and show current files in pinyin order within a project, and name searches
            # test name, pinyin and initials: this covering index answers all of it without reading
            # or sorting the rows of a whole city. Partial on current files, because PostgreSQL takes an
            # order from an index only after equalities (not after "merged_into IS NULL"); merged_into
            # trails so that SQLite covers the query from the index alone.
            models.Index(fields=["project", "name_pinyin", "id", "name", "name_initials", "merged_into"],
                         condition=Q(merged_into__isnull=True), name="child_current_names_idx"),
            # Search by the beginning of the pinyin or initials, and by their end (the keys read backwards): a range
            # of each of these four. Whole, not partial: the search gathers its matches before the list is chosen.
            *(models.Index(fields=[key], name=f"child_{short}_idx")
              for key, short in (("name_pinyin", "pinyin"), ("name_initials", "initials"),
                                 ("name_pinyin_rev", "pinyin_rev"), ("name_initials_rev", "initials_rev"))),
            models.Index(fields=["name", "birth_date"], name="child_name_birth_idx"),
            # Records scoped by their child's region (cases, sessions, pairings) find the area's children
            # from the index alone: a banner's 16,000 ids without reading the rows (PostgreSQL's heap); with
            # the risk level for the dashboards' "no contact for longer than the risk allows". A bureau's
            # filtered list of a banner (status, category) picks and sorts its files here too, without the rows.
            models.Index(fields=["region", "id", "risk", "merged_into", "status", "name_pinyin"],
                         name="child_region_files_idx"),
            # The dashboards' early warnings (risk raised, welfare gaps) pick the area's children from this
            # index alone; only the twenty rows shown are read.
            models.Index(fields=["project", "region", "merged_into", "status", "risk", "assigned_worker", "id",
                                 "grade", "school", "welfare"], name="child_area_warnings_idx"),
            # Filtered lists (risk, age, status, sex, region) count and sort their matches from this index
            # alone: a project-wide count of "high risk, aged 6-12" reads index entries, not 100,000 rows.
            models.Index(fields=["project", "merged_into", "risk", "birth_date", "status", "sex", "region",
                                 "name_pinyin", "name", "id_masked"], name="child_project_filters_idx"),
            # The statistics count a whole city's files by region, age, sex, ethnicity and date of screening:
            # from this index alone, not from 100,000 wide rows.
            models.Index(fields=["merged_into", "region", "created_at", "birth_date", "sex", "ethnicity", "project"],
                         name="child_statistics_idx"),
            # Categories, cases and attendance reach their child by id; the statistics then need only its region,
            # project and date of screening: read here, not from the row with its encrypted fields and remarks.
            models.Index(fields=["id", "merged_into", "region", "created_at", "project"], name="child_by_id_idx"),
            # Search by the last 4, 5 or 6 digits of the ID number.
            models.Index(fields=["id_tail4"], name="child_id_tail4_idx"),
            models.Index(fields=["id_tail5"], name="child_id_tail5_idx"),
            models.Index(fields=["id_tail6"], name="child_id_tail6_idx"),
            # A worker's children, the files merged into one: partial, because most files have no worker yet and
            # almost none is merged. A screening import (neither) then writes nothing into them; "= x" implies
            # "IS NOT NULL" on both databases, so the lookups still read them.
            models.Index(fields=["assigned_worker"], condition=Q(assigned_worker__isnull=False),
                         name="child_assigned_worker_idx"),
            models.Index(fields=["merged_into"], condition=Q(merged_into__isnull=False), name="child_merged_into_idx"),
            # The statistics count the files born in the months an age band's boundary cuts through (the rest of
            # the ages come from reports.ChildBirthMonth): a few thousand entries of this index, not a city's files.
            models.Index(fields=["birth_date", "merged_into", "region", "created_at", "project"],
                         name="child_birth_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: date) -> int:
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    @property
    def age(self) -> int:
        return self.age_on(date.today())

    def welfare_labels(self) -> list[str]:
        return [str(Welfare(w).label) if w in Welfare.values else w for w in self.welfare or []]

    def id_number(self) -> str:
        """The full number: callers must have checked the right to reveal and recorded the reason."""
        return crypto.decrypt(self.id_encrypted)

    def set_id_number(self, number: str) -> None:
        for name, value in id_number_fields(number).items():
            setattr(self, name, value)


def id_number_fields(number: str, *, digest: Callable[[str, str], str] = crypto.blind_index,
                     encrypted: str | None = None) -> dict[str, str]:
    """The stored fields of an ID number: encrypted, masked, and keyed digests of it and of its last 4-6 digits.

    `digest` may remember digests already made, and `encrypted` be the number encrypted already with many others
    (crypto.encrypt_many): the screening import makes tens of thousands at once."""
    t4, t5, t6 = idnumber.tails(number) if number else ("", "", "")
    return {"id_encrypted": crypto.encrypt(number) if encrypted is None else encrypted,
            "id_masked": idnumber.mask(number) if number else "",
            "id_digest": digest(number, "id"), "id_tail4": digest(t4, "id4"), "id_tail5": digest(t5, "id5"),
            "id_tail6": digest(t6, "id6")}


class FamilyMember(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="family")
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)
    life_status = models.CharField(_("alive or dead"), max_length=10, choices=LifeStatus.choices,
                                   default=LifeStatus.ALIVE)
    health = models.CharField(_("health"), max_length=200, blank=True)
    disability = models.CharField(_("disability"), max_length=20, choices=Disability.choices, blank=True)
    disability_grade = models.PositiveSmallIntegerField(_("disability grade"), choices=DisabilityGrade.choices,
                                                        null=True, blank=True)
    condition = models.CharField(_("condition"), max_length=30, choices=ParentCondition.choices, blank=True,
                                 help_text=_("For parents: what keeps them from raising the child."))
    condition_since = models.DateField(_("since"), null=True, blank=True)
    condition_evidence = models.CharField(_("evidence"), max_length=200, blank=True,
                                          help_text=_("e.g. judgment, police report, disability certificate"))
    works_away = models.BooleanField(_("works away from home"), default=False)
    monthly_income_yuan = models.PositiveIntegerField(_("monthly income (yuan)"), null=True, blank=True)
    is_guardian = models.BooleanField(_("guardian"), default=False)
    guardianship_quality = models.CharField(_("guardianship quality"), max_length=10,
                                            choices=GuardianshipQuality.choices, blank=True)
    phone_encrypted = models.TextField(editable=False, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, editable=False, blank=True)
    phone_digest = models.CharField(max_length=40, editable=False, blank=True)  # family_phone_digest_idx below
    # Goes up with every saved change, so that an edit made from a stale copy is refused (API: ETag / If-Match).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        ordering = ["child", "pk"]
        indexes = [
            # The dashboards' early warning "a guardian died or is missing": the few such children of a whole city
            # are read from this small index at once instead of looking up each child's family. Partial on the
            # guardian flag alone, which SQLite matches in the query whatever the statuses asked for.
            models.Index(fields=["life_status", "child"], name="family_guardian_status_idx",
                         condition=Q(is_guardian=True)),
            # Search by a guardian's phone (compared with "=" only: no pattern-matching index on PostgreSQL).
            models.Index(fields=["phone_digest"], name="family_phone_digest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()} {self.name}".strip()

    @property
    def is_parent(self) -> bool:
        return self.relation in (Relation.FATHER, Relation.MOTHER)

    def phone(self) -> str:
        return crypto.decrypt(self.phone_encrypted)

    def set_phone(self, phone: str) -> None:
        for name, value in phone_fields(phone).items():
            setattr(self, name, value)


def phone_fields(phone: str, *, encrypted: str | None = None) -> dict[str, str]:
    """The stored fields of a phone number: its digits encrypted, masked, and their keyed digest.

    `encrypted`: the digits encrypted already with many others (crypto.encrypt_many), as the screening import does."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return {"phone_encrypted": crypto.encrypt(digits) if encrypted is None else encrypted,
            "phone_masked": f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else ("*" * len(digits)),
            "phone_digest": crypto.blind_index(digits, "phone")}


class ChildCategory(models.Model):
    class Source(models.TextChoices):
        COMPUTED = "computed", _("computed by rule")
        RECORDED = "recorded", _("recorded by a worker")

    # A child's categories are read from category_once_per_child (child, category): no index of its own.
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="categories", db_index=False)
    category = models.ForeignKey(DifficultyCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="+", db_index=False)  # category_children_idx below
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("child's category")
        verbose_name_plural = _("child's categories")
        constraints = [models.UniqueConstraint(fields=["child", "category"], name="category_once_per_child")]
        # A category's children from the index alone (the dashboards' welfare gaps test each child of the area
        # against the members of the entitling categories).
        indexes = [models.Index(fields=["category", "child"], name="category_children_idx")]

    def __str__(self) -> str:
        return str(self.category)


class Consent(models.Model):
    class Scope(models.TextChoices):
        RECORDS = "records", _("keeping the child's file")
        SERVICES = "services", _("case work and services")
        PHOTOS = "photos", _("photos and publication under a pseudonym")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="consents")
    guardian_name = models.CharField(_("given by"), max_length=60)
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    given_on = models.DateField(_("date"))
    scopes = models.JSONField(_("scope"), default=list)
    document = models.CharField(_("document"), max_length=200, blank=True,
                                help_text=_("Where the signed form is kept, e.g. its file number."))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("guardian's consent")
        verbose_name_plural = _("guardians' consents")
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return f"{self.guardian_name} {self.given_on}"

    def scope_labels(self) -> list[str]:
        return [str(self.Scope(s).label) if s in self.Scope.values else s for s in self.scopes or []]


class ScreeningBatch(models.Model):
    """One screening (摸底排查) upload: who, when, where, from which file, and how it went."""

    class State(models.TextChoices):
        PREVIEW = "preview", _("waiting for confirmation")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("refused")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("screened region"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    source_name = models.CharField(_("source file"), max_length=200)
    stored_file = models.CharField(max_length=300, blank=True, editable=False)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PREVIEW)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    # Counts of rows and problems; `problems` keeps only the first few thousand to show.
    summary = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("screening batch")
        verbose_name_plural = _("screening batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.created_at:%Y-%m-%d})"


class ImportMapping(models.Model):
    """An organisation's own ledger column names and the fields they mean, remembered between uploads."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="import_mapping")
    headers = models.JSONField(default=dict)

    def __str__(self) -> str:
        return str(self.organisation)


class DuplicateDecision(models.Model):
    """A worker said two files are different children: do not propose them again."""

    first = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="duplicate_decided_once")]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class HomeVerification(models.Model):
    """A home-verification visit (上门核查) by a child director or worker: the file confirmed or corrected there."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="verifications",
                              db_index=False)  # verification_child_date_idx below
    visited_on = models.DateField(_("visit date"))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    child_seen = models.BooleanField(_("child seen in person"), default=True)
    guardian_present = models.BooleanField(_("guardian present"), default=True)
    file_confirmed = models.BooleanField(_("file is correct as it is"), default=True)
    corrections = models.JSONField(_("corrections"), default=dict, blank=True)
    notes = models.TextField(_("what you found"), blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("home verification")
        verbose_name_plural = _("home verifications")
        ordering = ["-visited_on", "-pk"]
        # A child's latest visit read from the end of the index (the dashboards' last contact per case).
        indexes = [models.Index(fields=["child", "visited_on"], name="verification_child_date_idx")]

    def __str__(self) -> str:
        return f"{self.child} {self.visited_on}"

    def corrected_labels(self) -> list[str]:
        return [str(Child._meta.get_field(name).verbose_name) for name in self.corrections]
