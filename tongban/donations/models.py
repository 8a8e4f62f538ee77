from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.organisations.models import Organisation, Project, Site
from tongban.regions.models import Region


class Donor(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("enterprise")
        INDIVIDUAL = "individual", _("individual")
        SOCIAL_ORG = "social_org", _("social organisation")

    kind = models.CharField(_("kind of donor"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False,
                                    help_text=_("The name is kept out of lists, receipts and reports."))
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="donor_records")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="donors")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return str(self.shown_name)

    @property
    def shown_name(self) -> str:
        return str(_("Anonymous donor")) if self.anonymous or not self.name else self.name

    def clean(self) -> None:
        if not self.anonymous and not self.name.strip():
            raise ValidationError({"name": _("Give the donor's name, or mark the donor anonymous.")})


class DonationQuerySet(models.QuerySet["Donation"]):
    def between(self, first, last) -> "DonationQuerySet":  # type: ignore[no-untyped-def]
        return self.filter(received_on__gte=first, received_on__lte=last)


class Donation(models.Model):
    """Money (yuan, exact) or goods (with an estimated value) received from a donor."""

    class Kind(models.TextChoices):
        MONEY = "money", _("money")
        GOODS = "goods", _("goods")

    donor = models.ForeignKey(Donor, verbose_name=_("donor"), on_delete=models.PROTECT, related_name="donations")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT,
                                related_name="donations")
    region = models.ForeignKey(Region, verbose_name=_("received in"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("money or goods"), max_length=6, choices=Kind.choices)
    received_on = models.DateField(_("received on"))
    # Money: the amount; goods: their estimated value. Either way what can be allocated.
    value_yuan = models.DecimalField(_("value (yuan)"), max_digits=12, decimal_places=2)
    goods_description = models.CharField(_("goods"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    purpose = models.CharField(_("donor's wish"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["project", "received_on"], name="donation_project_day_idx")]
        constraints = [models.CheckConstraint(condition=Q(value_yuan__gt=0), name="donation_value_positive")]

    def __str__(self) -> str:
        return f"{self.received_on:%Y-%m-%d} {self.donor} ¥{self.value_yuan}"

    def clean(self) -> None:
        if self.value_yuan is not None and self.value_yuan <= 0:
            raise ValidationError({"value_yuan": _("The value must be more than zero.")})
        if self.kind == self.Kind.GOODS and not self.goods_description.strip():
            raise ValidationError({"goods_description": _("Say what goods were given.")})
        if self.kind == self.Kind.MONEY and (self.goods_description or self.quantity):
            raise ValidationError({"goods_description": _("A gift of money has no goods description.")})


class Allocation(models.Model):
    """Part of a donation given to a child, an activity or a site."""

    donation = models.ForeignKey(Donation, verbose_name=_("donation"), on_delete=models.PROTECT,
                                 related_name="allocations")
    child = models.ForeignKey("children.Child", verbose_name=_("child"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="allocations")
    activity = models.ForeignKey("activities.Activity", verbose_name=_("activity"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="allocations")
    site = models.ForeignKey(Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="allocations")
    value_yuan = models.DecimalField(_("value (yuan)"), max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    allocated_on = models.DateField(_("allocated on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["allocated_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(value_yuan__gt=0), name="allocation_value_positive"),
            # Exactly one recipient: a child, an activity or a site.
            models.CheckConstraint(
                condition=(Q(child__isnull=False, activity__isnull=True, site__isnull=True)
                           | Q(child__isnull=True, activity__isnull=False, site__isnull=True)
                           | Q(child__isnull=True, activity__isnull=True, site__isnull=False)),
                name="allocation_one_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.donation} → ¥{self.value_yuan}"


class ReceiptCounter(models.Model):
    """The last receipt number an organisation issued in a year; locked while the next one is taken."""

    issuer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "year"], name="one_receipt_counter_per_year")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.year}: {self.last}"


class Receipt(models.Model):
    """The numbered receipt of a donation, issued by the project's contractor."""

    donation = models.OneToOneField(Donation, on_delete=models.PROTECT, related_name="receipt")
    issuer = models.ForeignKey(Organisation, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    issued_on = models.DateField(_("issued on"))

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["year", "sequence"]
        constraints = [models.UniqueConstraint(fields=["issuer", "year", "sequence"], name="receipt_number_once")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.year}-{self.sequence:06d}"


ZERO = Decimal("0.00")
