"""What a screening ledger's columns and words mean.

Counties keep their ledgers in their own layouts, so each field has the header
names people actually use, and each coded field the words people actually type.
The first name of each field is the header of our own template.
"""

import re
from dataclasses import dataclass

from tongban.children.choices import ETHNIC_GROUPS, Hukou, LifeStatus, ParentCondition, Relation

IGNORE = "ignore"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    synonyms: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", ("编号", "序")),
    Column("name", "姓名", ("儿童姓名", "学生姓名", "儿童名字")),
    Column("sex", "性别", ("儿童性别",)),
    Column("ethnicity", "民族", ("儿童民族",)),
    Column("birth_date", "出生日期", ("出生年月", "出生年月日", "出生时间", "生日")),
    Column("id_number", "身份证号", ("公民身份号码", "身份证号码", "身份证", "儿童身份证号", "儿童身份证号码",
                                     "证件号码", "居民身份证号码")),
    Column("hukou", "户籍性质", ("户口性质", "户籍类型", "户口类型", "户籍类别")),
    Column("township", "所属乡镇（街道）", ("乡镇（街道）", "所属乡镇", "乡镇", "乡镇街道", "苏木乡镇", "乡镇（苏木）",
                                        "所属街道", "街道")),
    Column("village", "所属村（社区）", ("村（社区）", "所属村", "所属社区", "村社区", "村居", "嘎查村", "村（嘎查）",
                                      "社区", "村")),
    Column("address", "现住址", ("家庭住址", "住址", "居住地址", "现居住地址", "家庭地址", "现居住地")),
    Column("school", "就读学校", ("学校", "所在学校", "学校名称")),
    Column("grade", "年级", ("就读年级", "年级班级")),
    Column("health", "健康状况", ("身体状况", "健康情况")),
    Column("categories", "困境类型", ("儿童类别", "儿童类型", "困境类别", "困境儿童类型", "类别")),
    Column("father_name", "父亲姓名", ()),
    Column("father_state", "父亲状况", ("父亲情况", "父亲状态", "父亲身体状况")),
    Column("mother_name", "母亲姓名", ()),
    Column("mother_state", "母亲状况", ("母亲情况", "母亲状态", "母亲身体状况")),
    Column("guardian_name", "监护人姓名", ("监护人", "实际监护人", "实际监护人姓名")),
    Column("guardian_relation", "与儿童关系", ("监护人与儿童关系", "与儿童的关系", "监护人关系", "关系")),
    Column("guardian_phone", "监护人联系电话", ("联系电话", "监护人电话", "电话", "联系方式", "手机号码", "手机号")),
    Column("dibao", "是否享受低保", ("低保", "是否低保", "享受低保", "是否低保户")),
    Column("notes", "备注", ("说明", "其他情况")),
)
BY_KEY = {c.key: c for c in COLUMNS}
# Columns of Tongban's own ledger export (and common in county ledgers) that an import knowingly leaves out:
# the age follows from the birth date, the rest is Tongban's own bookkeeping.
IGNORED_HEADERS = ("化名", "年龄", "其他救助", "其他家庭成员", "风险等级", "状态", "所属项目")
# Needed in every file, alone or (second element) with a column that can stand in for them.
REQUIRED: tuple[tuple[str, str], ...] = (("name", ""), ("village", ""), ("birth_date", "id_number"),
                                         ("sex", "id_number"))

_SPACE = re.compile(r"\s+")
_PAREN = re.compile(r"[(（][^)）]*[)）]")
_HEADER_NOISE = str.maketrans({"（": "(", "）": ")", "*": None, "＊": None, ":": None, "：": None, "※": None})


def norm_header(text: object) -> str:
    """Header text as compared: no spaces or line breaks, half-width brackets, no required-field marks."""
    return _SPACE.sub("", str(text or "")).translate(_HEADER_NOISE).lower()


def _header_index() -> dict[str, str]:
    index: dict[str, str] = {norm_header(name): IGNORE for name in IGNORED_HEADERS}
    for column in COLUMNS:
        for name in (column.header, *column.synonyms):
            index.setdefault(norm_header(name), column.key)
    return index


HEADER_INDEX = _header_index()


def field_for_header(text: object) -> str | None:
    """The field a header names, also when it carries a remark in brackets ("出生日期(年-月-日)")."""
    key = norm_header(text)
    if not key:
        return None
    found = HEADER_INDEX.get(key)
    if found is None:
        bare = _PAREN.sub("", key.replace("(", "（").replace(")", "）")).strip()
        found = HEADER_INDEX.get(norm_header(bare)) if bare else None
    return found


# Coded words, as typed in ledgers.
SEX_WORDS = {"男": "M", "男性": "M", "m": "M", "male": "M", "女": "F", "女性": "F", "f": "F", "female": "F"}

ETHNICITY_WORDS: dict[str, str] = {}
for _group in ETHNIC_GROUPS:
    ETHNICITY_WORDS[_group] = _group
    ETHNICITY_WORDS[_group[:-1]] = _group
ETHNICITY_WORDS.update({"蒙族": "蒙古族", "维族": "维吾尔族", "哈族": "哈萨克族", "柯族": "柯尔克孜族"})

HUKOU_WORDS = {
    "农业": Hukou.RURAL, "农业户口": Hukou.RURAL, "农村": Hukou.RURAL, "农村户口": Hukou.RURAL, "农": Hukou.RURAL,
    "非农业": Hukou.URBAN, "非农业户口": Hukou.URBAN, "非农": Hukou.URBAN, "城镇": Hukou.URBAN,
    "城镇户口": Hukou.URBAN, "城市": Hukou.URBAN, "城市户口": Hukou.URBAN, "城镇居民": Hukou.URBAN,
}

YES_WORDS = {"是", "有", "享受", "已享受", "y", "yes", "√", "✓", "✔", "1", "true"}
NO_WORDS = {"否", "无", "没有", "不享受", "未享受", "n", "no", "×", "✗", "0", "false", "/", "-", "—"}


@dataclass(frozen=True)
class ParentState:
    life_status: str = LifeStatus.ALIVE
    condition: str = ""
    works_away: bool = False
    health: str = ""


# What a parent's state word means for the rules (民发〔2019〕62号 and 国发〔2016〕13号).
PARENT_STATE_WORDS: dict[str, ParentState] = {}
for _words, _state in (
    ("健在 正常 在世 良好 在家 无 离异 离婚 改嫁 再婚 健康", ParentState()),
    ("死亡 去世 已故 病故 身故 亡故 已去世 已死亡", ParentState(life_status=LifeStatus.DEAD)),
    ("失踪 宣告失踪", ParentState(life_status=LifeStatus.MISSING)),
    ("重病 大病 重大疾病 患重病 重病患者", ParentState(condition=ParentCondition.SERIOUS_ILLNESS, health="重病")),
    ("重残 重度残疾", ParentState(condition=ParentCondition.SEVERE_DISABILITY, health="重残")),
    ("残疾", ParentState(health="残疾")),
    ("服刑在押 服刑 在押 羁押 服刑人员 监狱服刑", ParentState(condition=ParentCondition.IN_PRISON)),
    ("强制隔离戒毒 强制戒毒 戒毒", ParentState(condition=ParentCondition.DRUG_REHAB)),
    ("失联 失去联系 联系不上", ParentState(condition=ParentCondition.LOST_CONTACT)),
    ("撤销监护资格 撤销监护权", ParentState(condition=ParentCondition.GUARDIANSHIP_REVOKED)),
    ("遣送出境 被遣送出境", ParentState(condition=ParentCondition.DEPORTED)),
    ("外出务工 外出打工 务工 打工 外出", ParentState(works_away=True)),
    ("精神疾病 精神病 精神障碍", ParentState(health="精神疾病")),
):
    for _word in _words.split():
        PARENT_STATE_WORDS[_word] = _state

RELATION_WORDS = {
    "父亲": Relation.FATHER, "父": Relation.FATHER, "爸爸": Relation.FATHER, "父子": Relation.FATHER,
    "父女": Relation.FATHER,
    "母亲": Relation.MOTHER, "母": Relation.MOTHER, "妈妈": Relation.MOTHER, "母子": Relation.MOTHER,
    "母女": Relation.MOTHER,
    "祖父": Relation.PATERNAL_GRANDFATHER, "爷爷": Relation.PATERNAL_GRANDFATHER,
    "祖母": Relation.PATERNAL_GRANDMOTHER, "奶奶": Relation.PATERNAL_GRANDMOTHER,
    "外祖父": Relation.MATERNAL_GRANDFATHER, "外公": Relation.MATERNAL_GRANDFATHER,
    "姥爷": Relation.MATERNAL_GRANDFATHER,
    "外祖母": Relation.MATERNAL_GRANDMOTHER, "外婆": Relation.MATERNAL_GRANDMOTHER,
    "姥姥": Relation.MATERNAL_GRANDMOTHER,
    "叔叔": Relation.UNCLE, "叔父": Relation.UNCLE, "伯父": Relation.UNCLE, "伯伯": Relation.UNCLE,
    "舅舅": Relation.UNCLE, "舅父": Relation.UNCLE, "姑父": Relation.UNCLE, "姨父": Relation.UNCLE,
    "姑姑": Relation.AUNT, "姑妈": Relation.AUNT, "姨妈": Relation.AUNT, "姨": Relation.AUNT, "阿姨": Relation.AUNT,
    "舅妈": Relation.AUNT, "婶婶": Relation.AUNT, "伯母": Relation.AUNT,
    "哥哥": Relation.SIBLING, "姐姐": Relation.SIBLING, "兄": Relation.SIBLING, "姐": Relation.SIBLING,
    "兄长": Relation.SIBLING, "兄妹": Relation.SIBLING, "姐弟": Relation.SIBLING,
    "继父": Relation.STEP_PARENT, "继母": Relation.STEP_PARENT,
}

# Category words by category code; the category names kept in the database count too.
CATEGORY_WORDS: dict[str, str] = {}
for _code, _words in (
    ("orphan", "孤儿 孤儿儿童"),
    ("de_facto_unsupported", "事实无人抚养儿童 事实无人抚养 事实孤儿"),
    ("left_behind", "农村留守儿童 留守儿童 留守"),
    ("difficulty", "困境儿童"),
    ("difficulty_poverty", "困境儿童（家庭贫困） 家庭贫困 贫困儿童 贫困家庭儿童"),
    ("difficulty_disability", "困境儿童（自身残疾） 自身残疾 残疾儿童"),
    ("difficulty_guardianship", "困境儿童（监护缺失） 困境儿童（监护缺失或不当） 困境儿童（监护不当） "
                                "监护缺失 监护不当"),
    ("dibao", "低保家庭儿童 低保家庭 低保儿童 低保"),
    ("tekun", "特困供养 特困 特困儿童 特困供养儿童"),
    ("single_parent", "单亲家庭儿童 单亲家庭 单亲儿童 单亲"),
    ("parent_in_prison", "父母服刑在押 服刑人员子女 父母服刑"),
    ("parent_drugs", "父母吸毒（强制隔离戒毒） 父母吸毒 吸毒人员子女"),
    ("hiv_affected", "受艾滋病影响 受艾滋病影响儿童 艾滋病"),
):
    for _word in _words.split():
        CATEGORY_WORDS[norm_header(_word)] = _code

# Splits "孤儿、低保家庭儿童" and the like into words; brackets stay with their word.
WORD_SPLIT = re.compile(r"[、，,;；/|\s]+")

# Suffixes that ledgers add to or drop from official village names (村委会 / 村).
_VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "委员会", "村")


def place_key(name: str) -> str:
    """A village or township name without the administrative suffix that ledgers vary."""
    key = _SPACE.sub("", name)
    for suffix in _VILLAGE_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix)]
    return key
