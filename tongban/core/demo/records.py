"""What a seed produces: the report of what was created, and one child's file before it is inserted."""

from dataclasses import dataclass, field
from decimal import Decimal

from tongban.children.models import Child, ChildCategory, Consent, FamilyMember


@dataclass
class ChildFile:
    """One child's file built in memory, inserted later in batches."""

    child: Child
    family: list[FamilyMember]
    categories: list[ChildCategory]
    consent: Consent | None


@dataclass
class SeedReport:
    regions: int = 0
    organisations: int = 0
    projects: int = 0
    teams: int = 0
    sites: int = 0
    users: int = 0
    accounts: list[tuple[str, str]] = field(default_factory=list)
    children: int = 0
    family_members: int = 0
    consents: int = 0
    # Category name → number of children, in the categories' own order.
    categories: dict[str, int] = field(default_factory=dict)
    # Community work.
    volunteers: int = 0
    pairings: int = 0
    visits: int = 0
    activities: int = 0
    attendance: int = 0
    donors: int = 0
    donations: int = 0
    donated_yuan: Decimal = Decimal(0)
    allocations: int = 0
    cases: int = 0
    sessions: int = 0
