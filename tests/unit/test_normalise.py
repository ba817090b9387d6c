"""Name keys in Latin and Arabic script: one key for the spellings of one name, none shared by
different names."""

import pytest

from conflictmap.geocode.normalise import (
    fold,
    has_nisba,
    is_generic,
    kind_words,
    likeness,
    name_key,
    scripts,
    skeleton,
    spelling_key,
)


@pytest.mark.parametrize(
    "spellings",
    [
        (
            "الفلوجة",
            "الفلوجه",
            "الفَلُّوجَة",
            "الفلوجـــة",
            "ﺍﻟﻔﻠﻮﺟﺔ",
            "الفلوجة\u200f",
        ),  # taa marbuta, harakat, tatweel, forms
        ("أبو غريب", "ابو غريب", "إبو غريب", "آبو غريب"),  # alef and hamza forms
        ("ديالى", "ديالي", "ديالی"),  # alef maqsura, Farsi yeh
        ("كركوك", "کرکوک"),  # keheh
        ("البو فراج", "آل بو فراج", "ال بو فراج"),  # the family of
        ("Al Fallūjah", "al-Fallujah", "AL FALLUJAH", "Al‘Fallujah".replace("‘", " ")),
        ("Ālbū Faraj", "Albu Faraj", "Al Bu Faraj", "Al-Bo Faraj"),
    ],
)
def test_spellings_of_one_name_share_a_key(spellings):
    assert len({name_key(s) for s in spellings}) == 1


@pytest.mark.parametrize(
    ("name", "key", "kinds"),
    [
        ("قرية الناصرية", "ناصريه", {"village"}),
        ("حي النصر", "نصر", {"neighbourhood"}),
        ("ناحية جرف الصخر", "جرف صخر", {"sub-district"}),
        ("قضاء الفلوجة", "فلوجه", {"district"}),
        ("محافظة البصرة", "بصره", {"governorate"}),
        ("Qaḑā’ al Fallūjah", "fallujah", {"district"}),
        ("Nāḩiyat Jurf aş Şakhr", "jurf sakhr", {"sub-district"}),
        ("Qaryat al Jāsimīyah village", "jasimiyah", {"village"}),
        ("Hay Al Nasir", "nasir", {"neighbourhood"}),
        ("Markaz Al-Ramadi", "ramadi", {"sub-district"}),
        ("Al Ḩayy town", "hayy", {"town", "neighbourhood"}),  # a feature word alone is the name
        ("Ain al-Asad Air Base", "ain asad", {"site"}),
    ],
)
def test_feature_words_leave_the_key_and_say_the_kind(name, key, kinds):
    assert name_key(name) == key
    assert kind_words(name) == kinds


def test_arabic_and_latin_spellings_share_a_skeleton():
    for arabic, latin in [
        ("الناصرية", "An Nāşirīyah"),
        ("تكريت", "Tikrit"),
        ("الفلوجة", "Fallujah"),
        ("بعقوبة", "Baqubah"),
    ]:
        assert skeleton(arabic) == skeleton(latin)


def test_likeness_keeps_apart_names_that_only_look_alike():
    assert likeness("Nassiriya", "An Nāşirīyah") > 0.9
    assert likeness("Hamdan", "Al-Hamdaniya") == 0  # "of Hamdan" is another name
    assert likeness("Bahar", "Tahar") == 0  # another first consonant
    assert has_nisba("الحمدانية") and not has_nisba("حمدان")


def test_generic_names():
    assert is_generic("Al Madinah") and is_generic("المدينة الجديدة") and is_generic("Hay Al Askari")
    assert not is_generic("Tall Afar") and not is_generic("Al Fallujah")


def test_scripts_and_fold_never_fail_on_odd_text():
    assert scripts("Rаmadi") == {"latin", "other"}
    assert fold("\u202eRamadi\u200d") == "ramadi"
    for text in ("", " ", "\x00", "‘’", "ـــ", "\ufeff", "x" * 10_000):
        assert isinstance(name_key(text), str) and isinstance(spelling_key(text), str)
