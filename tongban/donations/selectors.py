"""Scoped reads of donors, donations, allocations, and the totals funders ask for."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from tongban.accounts.access import access, donations_q
from tongban.donations.models import Allocation, Donation, Donor

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def donors_visible_to(user: Any) -> QuerySet[Donor]:
    return Donor.objects.filter(donations_q(user))


def donations_visible_to(user: Any) -> QuerySet[Donation]:
    return Donation.objects.filter(donations_q(user))


def access_donor(user: Any, pk: Any, *, for_write: bool = False) -> Donor:
    return access(user, donors_visible_to(user), pk, kind="donation", for_write=for_write)


def access_donation(user: Any, pk: Any, *, for_write: bool = False) -> Donation:
    qs = donations_visible_to(user).select_related("donor", "project__contractor", "region", "receipt")
    return access(user, qs, pk, kind="donation", for_write=for_write)


def with_allocated(qs: QuerySet[Donation]) -> QuerySet[Donation]:
    """Each donation with the value already allocated, in the same query."""
    allocated = (Allocation.objects.filter(donation=OuterRef("pk")).order_by().values("donation")
                 .annotate(total=Sum("value_yuan")).values("total"))
    return qs.annotate(allocated=Coalesce(Subquery(allocated, output_field=MONEY), Value(ZERO), output_field=MONEY))


def allocated_of(donation: Donation) -> Decimal:
    return donation.allocations.aggregate(total=Sum("value_yuan"))["total"] or ZERO


def allocations_of(donation: Donation) -> QuerySet[Allocation]:
    return donation.allocations.select_related("child", "activity", "site", "allocated_by")


@dataclass(frozen=True)
class DonorKindTotal:
    kind: str
    label: str
    donors: int
    donations: int
    money: Decimal
    goods: Decimal

    @property
    def value(self) -> Decimal:
        return self.money + self.goods


def totals_by_donor_kind(user: Any, first: date | None = None, last: date | None = None) -> list[DonorKindTotal]:
    """Money and goods received in the period, by kind of donor, in one query."""
    qs = donations_visible_to(user)
    if first:
        qs = qs.filter(received_on__gte=first)
    if last:
        qs = qs.filter(received_on__lte=last)
    rows = {r["donor__kind"]: r for r in qs.order_by().values("donor__kind").annotate(
        donors=Count("donor", distinct=True), donations=Count("pk"),
        money=Sum("value_yuan", filter=Q(kind=Donation.Kind.MONEY)),
        goods=Sum("value_yuan", filter=Q(kind=Donation.Kind.GOODS)))}
    result = []
    for kind, label in Donor.Kind.choices:
        r = rows.get(kind, {})
        result.append(DonorKindTotal(kind=kind, label=str(label), donors=r.get("donors", 0),
                                     donations=r.get("donations", 0), money=r.get("money") or ZERO,
                                     goods=r.get("goods") or ZERO))
    return result


def donation_figures(user: Any, first: date, last: date) -> dict[str, Any]:
    totals = donations_visible_to(user).between(first, last).aggregate(
        n=Count("pk"), value=Sum("value_yuan"), donors=Count("donor", distinct=True))
    return {"donations": totals["n"], "value": totals["value"] or ZERO, "donors": totals["donors"]}
