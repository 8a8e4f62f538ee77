"""Names: the lists they are drawn from, and the names of one family that agree with each other."""

import random

from tongban.children.choices import Relation, Sex

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
            "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰晨阳玉梅琳晓红雪飞鹏华建国志宏文博思雨欣怡子涵浩宇佳琪嘉乐婷"
MONGOL_NAMES = ["巴特尔", "其木格", "乌云", "斯琴", "额尔敦", "萨仁", "那日苏", "阿拉坦", "图雅", "宝音"]
UYGHUR_NAMES = ["阿依古丽·买买提", "艾力·吐尔逊", "古丽娜尔·阿不都", "买买提·艾合买提", "热依拉·托乎提"]
BOY_CHARS = "浩宇轩睿泽俊杰博文涛鹏飞磊强宏志伟勇超晨阳天佑铭昊然梓豪皓鑫瑞凯翔彬斌航子嘉"
GIRL_CHARS = "欣怡梓涵雨桐佳琪诗思婷芳娜秀敏静丽艳娟霞玉梅琳晓雪紫萱可馨悦若曦语嫣梦瑶"
MAN_CHARS = "建军国强伟勇志刚明海涛磊鹏斌峰华平东林亮永福"
WOMAN_CHARS = "丽红梅芳霞燕玲娟静秀英兰艳萍琴凤"
ELDER_MAN_CHARS = "福贵德山财春旺根生有发满仓"
ELDER_WOMAN_CHARS = "秀兰桂英凤翠花珍香梅金"
HUI_SURNAMES = "马马马马丁白杨李哈海纳沙冶"
MONGOL_SURNAMES = "包白奇韩吴云鲍宝"
MONGOL_MALE = ["巴特尔", "额尔敦", "那日苏", "阿拉坦", "宝音", "苏和", "朝鲁", "孟和", "巴图", "特木尔", "乌力吉",
               "毕力格", "布和", "哈斯", "额日和", "达来", "巴音", "吉日嘎拉", "赛音", "满都拉"]
MONGOL_FEMALE = ["其木格", "乌云", "斯琴", "萨仁", "图雅", "乌兰", "娜仁", "高娃", "塔娜", "琪琪格", "萨日娜",
                 "苏日娜", "乌日娜", "其其格", "阿拉坦其其格", "格日乐", "诺敏", "乌仁", "托娅", "斯琴高娃"]
UYGHUR_MALE = ["买买提", "艾力", "吐尔逊", "阿不都", "艾合买提", "努尔", "亚森", "阿里木", "伊力哈木", "库尔班",
               "热合曼", "艾尔肯", "麦麦提", "吐尔洪", "依明", "阿布来提", "卡德尔", "玉素甫", "塔依尔", "肉孜"]
UYGHUR_FEMALE = ["阿依古丽", "古丽娜尔", "热依拉", "米热古丽", "帕提古丽", "祖拜旦", "阿依努尔", "努尔古丽", "热娜",
                 "迪丽努尔", "再娜甫", "阿米娜", "布威", "马依拉", "古再丽努尔", "阿瓦古丽", "茹仙古丽", "排孜拉",
                 "哈丽旦", "米娜瓦尔"]
KAZAKH_MALE = ["叶尔兰", "努尔兰", "哈力木拉提", "阿斯哈尔", "巴合提别克", "别克", "叶尔江", "阿依登", "达吾列提",
               "加纳尔别克", "叶尔波拉提", "胡安", "叶尔肯", "马合沙提"]
KAZAKH_FEMALE = ["阿依达娜", "加娜尔", "古丽巴哈尔", "阿依努尔", "阿克邦", "阿依江", "玛依拉", "叶尔克那依",
                 "阿娜尔", "哈孜那", "古丽米拉", "阿依谢姆"]
MALE_RELATIONS = frozenset({Relation.FATHER, Relation.PATERNAL_GRANDFATHER, Relation.MATERNAL_GRANDFATHER,
                            Relation.UNCLE})
# Grades (一年级), years of secondary school and disability grades are written in Chinese numerals.
GRADE_CN = "一二三四五六"


def person_name(rng: random.Random, county_code: str = "") -> str:
    """A grown-up's name for an account, Mongolian or Uyghur in some counties."""
    roll = rng.random()
    if county_code.startswith("15") and roll < 0.15:
        return rng.choice(MONGOL_NAMES)
    if county_code.startswith("65") and roll < 0.25:
        return rng.choice(UYGHUR_NAMES)
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


class Kin:
    """Names for one family that agree with each other: the father's surname, or (维吾尔族, 哈萨克族) the
    father's name as the second part of his children's names."""

    def __init__(self, rng: random.Random, ethnicity: str) -> None:
        self.rng, self.ethnicity = rng, ethnicity
        self.patronymic = ethnicity in ("维吾尔族", "哈萨克族")
        if self.patronymic:
            uyghur = ethnicity == "维吾尔族"
            self.male = UYGHUR_MALE if uyghur else KAZAKH_MALE
            self.female = UYGHUR_FEMALE if uyghur else KAZAKH_FEMALE
            self.grandfather, self.father, self.mothers_father = (rng.choice(self.male) for _ in range(3))
        elif ethnicity != "蒙古族":
            self.surname = rng.choice(HUI_SURNAMES if ethnicity == "回族" else SURNAMES)
            self.mother_surname = rng.choice(SURNAMES)

    def _given(self, chars: str, single: float = 0.15) -> str:
        rng = self.rng
        return rng.choice(chars) if rng.random() < single else rng.choice(chars) + rng.choice(chars)

    def child(self, sex: str) -> str:
        male = sex == Sex.MALE
        if self.patronymic:
            # A son is not given his father's own name.
            own = self.rng.choice([n for n in self.male if n != self.father] if male else self.female)
            return f"{own}·{self.father}"
        if self.ethnicity == "蒙古族":
            return self._mongol(male)
        return self.surname + self._given(BOY_CHARS if male else GIRL_CHARS)

    def of(self, relation: str) -> str:
        rng = self.rng
        male = relation in MALE_RELATIONS or (relation in (Relation.SIBLING, Relation.OTHER) and rng.random() < 0.5)
        if self.patronymic:
            own = {Relation.FATHER: self.father, Relation.PATERNAL_GRANDFATHER: self.grandfather,
                   Relation.MATERNAL_GRANDFATHER: self.mothers_father}.get(relation)
            second = {Relation.FATHER: self.grandfather, Relation.MOTHER: self.mothers_father,
                      Relation.UNCLE: self.grandfather, Relation.SIBLING: self.father}.get(relation)
            return f"{own or rng.choice(self.male if male else self.female)}·{second or rng.choice(self.male)}"
        if self.ethnicity == "蒙古族":
            return self._mongol(male)
        if relation == Relation.SIBLING:
            return self.surname + self._given(BOY_CHARS if male else GIRL_CHARS)
        elder = relation in (Relation.PATERNAL_GRANDFATHER, Relation.PATERNAL_GRANDMOTHER,
                             Relation.MATERNAL_GRANDFATHER, Relation.MATERNAL_GRANDMOTHER)
        chars = (ELDER_MAN_CHARS if male else ELDER_WOMAN_CHARS) if elder else (MAN_CHARS if male else WOMAN_CHARS)
        surname = {Relation.FATHER: self.surname, Relation.PATERNAL_GRANDFATHER: self.surname,
                   Relation.UNCLE: self.surname, Relation.MOTHER: self.mother_surname,
                   Relation.MATERNAL_GRANDFATHER: self.mother_surname}.get(relation) or rng.choice(SURNAMES)
        return surname + self._given(chars, 0.4 if elder else 0.15)

    def _mongol(self, male: bool) -> str:
        # Many Mongolian families use no surname; some took one (包, 白, 奇...).
        prefix = self.rng.choice(MONGOL_SURNAMES) if self.rng.random() < 0.3 else ""
        return prefix + self.rng.choice(MONGOL_MALE if male else MONGOL_FEMALE)
