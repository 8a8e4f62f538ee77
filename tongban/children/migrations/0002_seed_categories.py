from django.db import migrations

# (code, name, parent code, rule, basis, family marker, order)
CATEGORIES = [
    ("difficulty", "困境儿童", "", "", "国发〔2016〕36号", False, 10),
    ("difficulty_poverty", "困境儿童（家庭贫困）", "difficulty", "", "国发〔2016〕36号", False, 11),
    ("difficulty_disability", "困境儿童（自身残疾）", "difficulty", "own_disability", "国发〔2016〕36号", False, 12),
    ("difficulty_guardianship", "困境儿童（监护缺失或不当）", "difficulty", "", "国发〔2016〕36号", False, 13),
    ("de_facto_unsupported", "事实无人抚养儿童", "", "de_facto_unsupported", "民发〔2019〕62号", False, 20),
    ("orphan", "孤儿", "", "orphan", "国办发〔2010〕54号", False, 30),
    ("left_behind", "农村留守儿童", "", "left_behind", "国发〔2016〕13号", False, 40),
    ("dibao", "低保家庭", "", "welfare_dibao", "", True, 50),
    ("tekun", "特困供养", "", "welfare_tekun", "", True, 51),
    ("single_parent", "单亲家庭", "", "", "", True, 52),
    ("parent_in_prison", "父母服刑在押", "", "parent_in_prison", "", True, 53),
    ("parent_drugs", "父母吸毒（强制隔离戒毒）", "", "parent_drugs", "", True, 54),
    ("hiv_affected", "受艾滋病影响", "", "", "", True, 55),
]


def seed(apps, schema_editor):
    Category = apps.get_model("children", "DifficultyCategory")
    by_code = {}
    for code, name, parent, rule, basis, marker, order in CATEGORIES:
        by_code[code] = Category.objects.create(
            code=code, name=name, parent=by_code.get(parent), rule=rule, basis=basis,
            is_family_marker=marker, order=order,
        )


def unseed(apps, schema_editor):
    apps.get_model("children", "DifficultyCategory").objects.filter(
        code__in=[c[0] for c in reversed(CATEGORIES)]).delete()


class Migration(migrations.Migration):
    dependencies = [("children", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
