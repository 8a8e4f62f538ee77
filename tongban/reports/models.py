"""Statistics are computed from the records. Summaries are kept beside them, which the database itself keeps exact
(session_days.py, child_days.py): service sessions counted by day, and the children's files by day of opening,
because a city's million sessions and 100,000 files cannot be grouped within the page's time."""

from django.db import models


class SessionDay(models.Model):
    """The service sessions of one day, counted by the case's project and team, the area of the child's current
    region and the type of session: what the statistics' table of sessions, the KPIs and the monthly chart need.

    The area is the child's region itself when it is a county, city or province, otherwise the county above it:
    any region of county level or above contains the child exactly when it contains this area. Kept by database
    triggers (session_days.py), not by the services: every way a session, a case or a child's region changes
    (forms, API, imports, merges, transfers, seed_demo's bulk inserts, cascaded deletions) goes through them.
    """

    day = models.DateField()
    area = models.BigIntegerField()
    project = models.BigIntegerField()
    team = models.BigIntegerField()
    kind = models.CharField(max_length=15)
    sessions = models.IntegerField(default=0)
    minutes = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "area", "project", "team", "kind"], name="session_day_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}: {self.sessions}"


class ChildDay(models.Model):
    """The children's current files opened on one day (the local date of the file's creation), counted by the area
    of the child's region (as SessionDay's), project, sex and ethnicity: what the statistics' tables by region, sex
    and ethnicity and the monthly chart of screening need of a city's files. Merged files are not counted. Kept by
    database triggers (child_days.py)."""

    day = models.DateField()
    area = models.BigIntegerField()
    project = models.BigIntegerField()
    sex = models.CharField(max_length=1)
    ethnicity = models.CharField(max_length=10)
    files = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "area", "project", "sex", "ethnicity"], name="child_day_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.files}"


class ChildBirthMonth(models.Model):
    """The children's current files by day of opening, area, project and month of birth (its first day): the
    statistics' ages at the end of a period, every month but those a band's boundary cuts through, which are counted
    from the files themselves. Kept by database triggers (child_days.py)."""

    day = models.DateField()
    area = models.BigIntegerField()
    project = models.BigIntegerField()
    born = models.DateField()
    files = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "area", "project", "born"], name="child_birth_month_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.born:%Y-%m}: {self.files}"


class ChildCategoryDay(models.Model):
    """The children's current files by day of opening, area, project and category, each child once under a
    category (a subtype counts under its category) and once under category 0: "any category". Kept by database
    triggers (child_days.py)."""

    day = models.DateField()
    area = models.BigIntegerField()
    project = models.BigIntegerField()
    category = models.BigIntegerField()
    files = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "area", "project", "category"], name="child_category_day_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.category}: {self.files}"


class CaseArea(models.Model):
    """Each case's project and the area of its child's current region (as SessionDay's): the statistics choose a
    city's cases here, instead of joining every case to its child for the child's region.

    Also what the statistics need to count the children served in a period without reading the children: the
    case's child, its dates and the child's project, sex, ethnicity, birth date and day of opening; and the latest
    end among the child's cases opened before this one (by opening day, then id; an open case ends never), of any
    project and of this case's own. A child is served in a period when a case of theirs is open at some time in it;
    the first such case (by that order) is the one whose earlier cases all ended before the period began: counting
    those rows counts each child served once.

    Kept by database triggers (case_areas.py) for every case written, moved to another child or project, opened or
    closed on other days, moved to another stage or handed to another worker, every child moved or corrected, and
    every session and home visit written."""

    case = models.OneToOneField("cases.Case", on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True,
                                related_name="+")
    area = models.BigIntegerField()
    project = models.BigIntegerField()
    child = models.BigIntegerField(default=0)
    child_project = models.BigIntegerField(default=0)
    opened_on = models.DateField(null=True)
    closed_on = models.DateField(null=True)
    earlier_end = models.DateField(null=True)
    earlier_end_in_project = models.DateField(null=True)
    sex = models.CharField(max_length=1, default="")
    ethnicity = models.CharField(max_length=10, default="")
    birth_date = models.DateField(null=True)
    created_at = models.DateTimeField(null=True)
    # What the dashboards read of a worker's or a team's cases (cases/reminders.py): the case's worker and stage,
    # its child's risk level, the day of the case's latest session and of its child's latest home visit.
    worker = models.BigIntegerField(null=True)
    stage = models.CharField(max_length=12, default="")
    risk = models.CharField(max_length=10, default="")
    last_session = models.DateField(null=True)
    last_visit = models.DateField(null=True)

    class Meta:
        indexes = [models.Index(fields=["area", "project", "case"], name="case_area_idx"),
                   models.Index(fields=["child", "opened_on"], name="case_area_child_idx"),
                   # A social worker's cases, by stage (the dashboard's lists).
                   models.Index(fields=["worker", "stage", "area", "project", "case"], name="case_area_worker_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.area}"
