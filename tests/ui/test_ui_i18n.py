"""The UI string table: complete in both languages, same placeholders."""

from __future__ import annotations

import string

import pytest

from app.ui import i18n


def _fields(text: str) -> set[str]:
    return {f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(i18n.STRINGS))
def test_every_key_has_both_languages_with_the_same_placeholders(key):
    """Each key has non-empty zh and en text using exactly the same {placeholders}."""
    zh, en = i18n.STRINGS[key]
    assert zh.strip() and en.strip()
    assert _fields(zh) == _fields(en)


def test_tr_follows_the_current_language():
    """tr() returns the text of the current language and fills placeholders."""
    i18n.set_language("en")
    assert i18n.tr("iv.item_of", pos=2, n=9) == "Item 2 of 9"
    i18n.set_language("zh")
    assert i18n.tr("iv.item_of", pos=2, n=9) == "第 2/9 条"


def test_language_for_locale_maps_chinese_locales_to_zh():
    """zh_CN / zh_TW pick Chinese; anything else English."""
    assert i18n.language_for_locale("zh_CN") == "zh"
    assert i18n.language_for_locale("zh_TW") == "zh"
    assert i18n.language_for_locale("en_US") == "en"
    assert i18n.language_for_locale("") == "en"


def test_every_action_and_menu_text_key_exists():
    """The action table only names keys that the string table has."""
    from app.ui.actions import ACTIONS, MENUS

    for spec in ACTIONS:
        assert spec.text in i18n.STRINGS, spec.id
    for key in MENUS:
        assert key in i18n.STRINGS
