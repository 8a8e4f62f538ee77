"""Statistics are computed from the records. One table is kept beside them: service sessions counted by day, a
summary the database itself keeps exact (see session_days.py), because a city's million sessions cannot be
grouped within the page's time."""

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
