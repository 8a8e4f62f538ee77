"""Search keys of names: the quick per-character reading gives what pypinyin's phrase reading gives."""

import pytest
from pypinyin import Style, lazy_pinyin

from tongban.children.search import pinyin_keys


def phrase_reading(name: str) -> tuple[str, str]:
    syllables = lazy_pinyin(name.replace("·", ""), style=Style.NORMAL, errors=lambda s: list(s.lower()))
    return "".join(syllables).lower(), "".join(s[0] for s in syllables if s).lower()


@pytest.mark.parametrize("name", ["子琪", "王子琪", "小媛媛", "曾小贤", "单田芳", "长孙无忌", "重庆", "乐乐",
                                  "朝阳", "祖拜旦·麦麦提吐尔什", "巴特尔", "Anna李", "银行", "一一"])
def test_search_keys_are_those_of_the_phrase_reading(name):
    assert pinyin_keys(name) == phrase_reading(name)


def test_initials_find_the_given_name():
    assert pinyin_keys("子琪") == ("ziqi", "zq")
    assert pinyin_keys("祖拜旦·麦麦提吐尔什")[1] == "zbdmmttes"
