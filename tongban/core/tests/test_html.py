from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from tongban.core.html import esc


def test_escaping_matches_djangos_for_text_numbers_safe_and_lazy_strings():
    values = ['<script>alert("x")</script>', "Tom & Jerry's", "阿拉腾·其其格", 12, None, 3.5,
              mark_safe("<b>already safe</b>"), gettext_lazy("search"), ""]
    for value in values:
        assert esc(value) == conditional_escape(value if hasattr(value, "__html__") else str(value))
    assert esc('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
