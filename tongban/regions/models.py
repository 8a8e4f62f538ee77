from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionQuerySet(models.QuerySet["Region"]):
    def within(self, region: "Region") -> "RegionQuerySet":
        """The region itself and every region below it."""
        return self.filter(path__startswith=region.path)


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        CITY = 2, _("city")
        COUNTY = 3, _("county / banner / district")
        TOWNSHIP = 4, _("township / street")
        VILLAGE = 5, _("village / community")

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent region"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # Materialised path of codes ("/150000/150600/150621/"): a subtree is one
    # indexed prefix query, whatever its depth.
    path = models.CharField(max_length=120, editable=False)
    version = models.CharField(
        _("code-table version"), max_length=20,
        help_text=_("Which official code table this code comes from, e.g. NBS 2023."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["path"], name="region_path_idx", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name

    def build_path(self) -> str:
        return (self.parent.path if self.parent else "/") + f"{self.code}/"

    def clean(self) -> None:
        if not self.code.isdigit():
            raise ValidationError({"code": _("A division code has digits only.")})
        parent = self.parent
        if parent is None:
            return
        if self.pk and parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": _("A region cannot lie inside itself or one of its own sub-regions.")})
        if parent.level >= self.level:
            raise ValidationError(
                {"parent": _("A region of level “%(level)s” must lie under a region of a higher level.") % {
                    "level": self.get_level_display()}}
            )

    def ancestor_codes(self) -> list[str]:
        return [code for code in self.path.strip("/").split("/") if code]
