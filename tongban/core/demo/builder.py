"""The demo builder: every step in order, in one transaction; the children's files inserted in batches."""

import itertools
import random
from collections import Counter
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import translation

from tongban.accounts.models import User
from tongban.children.models import Child, ChildCategory, Consent, FamilyMember
from tongban.core.demo.bulk import bulk_insert
from tongban.core.demo.cases import CaseWorkMixin
from tongban.core.demo.community import CommunityMixin
from tongban.core.demo.history import CHILDREN_PER_ACTIVITY, CITY_SCALE, SESSIONS_PER_CHILD, HistoryMixin
from tongban.core.demo.people import DEMO_PASSWORD, PeopleMixin
from tongban.core.demo.places import PlacesMixin
from tongban.core.demo.published import PublishedCasesMixin
from tongban.core.demo.records import ChildFile, SeedReport

CHILD_BATCH = 2000


class DemoBuilder(PlacesMixin, PeopleMixin, PublishedCasesMixin, CaseWorkMixin, CommunityMixin, HistoryMixin):
    """The demo world, step by step; each mixin builds one part of it."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        # Children draw from their own generator, so the accounts, teams and sites of a seed stay
        # the same whatever number of children is asked for.
        self.crng = random.Random(f"children:{seed}")
        self.report = SeedReport()
        self.password_hash = make_password(DEMO_PASSWORD)
        self.users: list[User] = []

    def build(self, children: int = 0, *, sessions: int | None = None, activities: int | None = None) -> SeedReport:
        """sessions and activities: the totals wanted; by default a city's history from CITY_SCALE children up."""
        city = children >= CITY_SCALE
        if sessions is None:
            sessions = children * SESSIONS_PER_CHILD if city else 0
        if activities is None:
            activities = children // CHILDREN_PER_ACTIVITY if city else 0
        # Records are written in the default language whatever language the caller has active.
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            self.regions()
            self.organisations()
            self.projects()
            self.teams_and_sites()
            self.people()
            self.children(children)
            if children > 0:
                self.cases(self.seed)
            self.community()
            self.history(sessions=sessions, activities=activities)
        return self.report

    def children(self, n: int) -> None:
        """n children's files with their families, categories and consents, inserted in batches."""
        if n <= 0:
            return
        per_category: Counter[int] = Counter()
        files = self.child_files(n)
        while chunk := list(itertools.islice(files, CHILD_BATCH)):
            bulk_insert(Child, [f.child for f in chunk], batch_size=CHILD_BATCH)
            family = [m for f in chunk for m in f.family]
            bulk_insert(FamilyMember, family, batch_size=CHILD_BATCH)
            categories = [c for f in chunk for c in f.categories]
            bulk_insert(ChildCategory, categories, batch_size=CHILD_BATCH)
            consents = [f.consent for f in chunk if f.consent is not None]
            bulk_insert(Consent, consents, batch_size=CHILD_BATCH)
            self.report.children += len(chunk)
            self.report.family_members += len(family)
            self.report.consents += len(consents)
            per_category.update(c.category_id for c in categories)
        self.report.categories = {c.name: per_category[c.pk] for c in self.category.values() if per_category[c.pk]}

    def child_files(self, n: int) -> Iterator[ChildFile]:
        """The files in order, built in memory: the three published cases first, then children drawn at random.

        Reads regions, teams, workers and categories once; nothing here writes to the database.
        """
        with translation.override(settings.LANGUAGE_CODE):
            self._children_context()
            published = self._published_cases()
            for i in range(n):
                yield published[i] if i < len(published) else self._random_child()


def seed_demo(*, seed: int = 1, children: int = 500, sessions: int | None = None,
              activities: int | None = None) -> SeedReport:
    return DemoBuilder(seed).build(children, sessions=sessions, activities=activities)
