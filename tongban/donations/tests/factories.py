"""Builders for donors and donations, always through the services."""

from datetime import date
from decimal import Decimal
from typing import Any

from tongban.accounts.models import User
from tongban.donations import services
from tongban.donations.models import Donation, Donor
from tongban.organisations.models import Project
from tongban.regions.models import Region
from tongban.testing import cast

ORDOS_PROJECT = "鄂尔多斯市困境儿童关爱服务项目"


def dalate() -> Region:
    return Region.objects.get(code="150621")


def make_donor(name: str = "达拉特旗爱心羊绒有限公司", *, kind: str = "enterprise", actor: User | None = None,
               region: Region | None = None, **fields: Any) -> Donor:
    return services.donor_register(actor=actor or cast("lead_dalate"), kind=kind, name=name,
                                   project=Project.objects.get(name=ORDOS_PROJECT), region=region or dalate(),
                                   **fields)


def make_donation(value: str = "1000.00", *, donor: Donor | None = None, actor: User | None = None,
                  kind: str = "money", **fields: Any) -> Donation:
    if kind == "goods":
        fields.setdefault("goods_description", "冬季棉服")
    return services.donation_record(actor=actor or cast("lead_dalate"), donor=donor or make_donor(), kind=kind,
                                    received_on=fields.pop("received_on", date.today()), value_yuan=Decimal(value),
                                    **fields)
