"""Deterministic demo data, calibrated on the two programmes in DOMAIN.md.

Everything is built with bulk inserts from one random generator seeded by the
caller, so the same seed gives the same database.

    builder     DemoBuilder: the steps in order, children's files inserted in batches; seed_demo
    records     what a seed produces: the SeedReport, one ChildFile in memory
    names       name lists and the names of a family that agree with each other
    places      regions, organisations, projects, teams and sites
    people      the demo accounts: the fixed cast and the rest of each team
    children    one child's own details: where they live, birth date, ID number, school
    families    father, mother and who raises the child
    categories  welfare, categories, risk, status and consent of a file
    published   the three children of the Ordos report
    cases       case work for the children in service: every stage, assessments, plans, sessions, referrals
    community   site details, partners, volunteers and pairings with visits, a year of activities, donations

DemoBuilder mixes PlacesMixin, PeopleMixin and PublishedCasesMixin; the children's steps build on each other:
PublishedCasesMixin → ChildrenMixin → CategoriesMixin → FamiliesMixin. CaseWorkMixin adds the cases once the
children's files are in the database, CommunityMixin the community work after them.
"""

from tongban.core.demo.builder import DemoBuilder, seed_demo
from tongban.core.demo.people import DEMO_PASSWORD
from tongban.core.demo.places import REGIONS_FILE
from tongban.core.demo.records import ChildFile, SeedReport

__all__ = ["DEMO_PASSWORD", "REGIONS_FILE", "ChildFile", "DemoBuilder", "SeedReport", "seed_demo"]
