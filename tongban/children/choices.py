"""Coded values of the child's file, shared by forms, import and export."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The 56 officially recognised ethnic groups (GB 3304), in their official order.
ETHNIC_GROUPS = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族",
    "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族",
    "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族",
    "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
    "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]
ETHNICITY_CHOICES = [(name, name) for name in ETHNIC_GROUPS]


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Hukou(models.TextChoices):
    RURAL = "rural", _("rural (agricultural)")
    URBAN = "urban", _("urban (non-agricultural)")


class Disability(models.TextChoices):
    NONE = "", _("none")
    VISUAL = "visual", _("visual")
    HEARING = "hearing", _("hearing")
    SPEECH = "speech", _("speech")
    PHYSICAL = "physical", _("physical")
    INTELLECTUAL = "intellectual", _("intellectual")
    MENTAL = "mental", _("mental (psychiatric)")
    MULTIPLE = "multiple", _("multiple")


class DisabilityGrade(models.IntegerChoices):
    GRADE_1 = 1, _("grade 1 (most severe)")
    GRADE_2 = 2, _("grade 2")
    GRADE_3 = 3, _("grade 3")
    GRADE_4 = 4, _("grade 4")


class Risk(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")
    CRITICAL = "critical", _("critical")


class Status(models.TextChoices):
    SCREENED = "screened", _("screened")
    IN_SERVICE = "in_service", _("in service")
    CLOSED = "closed", _("closed")
    MOVED = "moved", _("moved away")
    AGED_OUT = "aged_out", _("aged out")


class Welfare(models.TextChoices):
    DIBAO = "dibao", _("minimum living allowance (低保)")
    TEKUN = "tekun", _("extreme-poverty support (特困)")
    ORPHAN_ALLOWANCE = "orphan_allowance", _("orphan living allowance")
    UNSUPPORTED_ALLOWANCE = "unsupported_allowance", _("allowance for de-facto unsupported children")
    DISABILITY_SUBSIDY = "disability_subsidy", _("disability subsidies")
    REHABILITATION = "rehabilitation", _("rehabilitation aid for disabled children")
    EDUCATION_AID = "education_aid", _("education aid")
    MEDICAL_AID = "medical_aid", _("medical aid")


class Relation(models.TextChoices):
    FATHER = "father", _("father")
    MOTHER = "mother", _("mother")
    PATERNAL_GRANDFATHER = "p_grandfather", _("paternal grandfather")
    PATERNAL_GRANDMOTHER = "p_grandmother", _("paternal grandmother")
    MATERNAL_GRANDFATHER = "m_grandfather", _("maternal grandfather")
    MATERNAL_GRANDMOTHER = "m_grandmother", _("maternal grandmother")
    UNCLE = "uncle", _("uncle")
    AUNT = "aunt", _("aunt")
    SIBLING = "sibling", _("brother or sister")
    STEP_PARENT = "step_parent", _("step-parent")
    OTHER = "other", _("other relative or carer")


class LifeStatus(models.TextChoices):
    ALIVE = "alive", _("alive")
    DEAD = "dead", _("dead")
    MISSING = "missing", _("missing (declared)")


class ParentCondition(models.TextChoices):
    """Conditions of a parent that count for a de-facto unsupported child (民发〔2019〕62号)."""

    NONE = "", _("none")
    SEVERE_DISABILITY = "severe_disability", _("severe disability")
    SERIOUS_ILLNESS = "serious_illness", _("serious illness")
    IN_PRISON = "in_prison", _("serving a sentence or in custody")
    DRUG_REHAB = "drug_rehab", _("compulsory drug rehabilitation")
    LOSS_OF_LIBERTY = "loss_of_liberty", _("other loss of liberty")
    LOST_CONTACT = "lost_contact", _("lost contact")
    GUARDIANSHIP_REVOKED = "guardianship_revoked", _("guardianship revoked")
    DEPORTED = "deported", _("deported")


class GuardianshipQuality(models.TextChoices):
    GOOD = "good", _("good")
    ADEQUATE = "adequate", _("adequate")
    POOR = "poor", _("poor")
    ABSENT = "absent", _("absent")
