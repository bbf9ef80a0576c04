"""The settings tables (fontnet/settings.py): every link the README and the tests use, a corpus of malformed
values on every setting of every page, the spellings the module docstring promises, the CLI and validation."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from fontnet import settings
from fontnet.parsing import SHORT, SettingsError
from fontnet.settings import ACTIVATIONS, BACKPROP, CLASS, DIGITS, PREDICT, TEACH, TRAIN, TUNE, Schema

ROOT = Path(__file__).resolve().parents[1]
PAGES: dict[str, Schema] = {"": PREDICT, "teach": TEACH, "train": TRAIN, "backprop": BACKPROP,
                            "activations": ACTIVATIONS, "digits": DIGITS, "class": CLASS, "tune": TUNE}
# The one wording: key='what the link said' is <problem>; using <what is used>.
ONE_WORDING = re.compile(r"(?P<key>\w+)=(?P<raw>'.*?'|\".*?\") is (?P<problem>.+); using (?P<using>.+)\.", re.S)
LINK = re.compile(r"/(|teach|train|tune|backprop|activations|digits)\?([A-Za-z_0-9]+=[^\s)`\"'>\\]*)")


def found_links() -> dict[str, set[str]]:
    """Every link to a page with settings written in the README, the docs, the pages and the tests, by file kind."""
    out: dict[str, set[str]] = {"readme": set(), "tests": set()}
    files = [(ROOT / "README.md", "readme"), *((p, "readme") for p in (ROOT / "docs").rglob("*.md")),
             *((p, "tests") for p in (ROOT / "tests").rglob("*.py")), *((p, "readme") for p in (ROOT / "app_pages").glob("*.py"))]
    for path, kind in files:
        for m in LINK.finditer(path.read_text(encoding="utf-8")):
            if "{" not in m.group(0):  # an f-string's placeholder, not a link
                out[kind].add(m.group(0))
    return out


def read(link: str) -> tuple[Schema, dict, dict[str, object], list[str]]:
    parts = urlsplit(link)
    schema = PAGES[parts.path.strip("/")]
    params = parse_qs(parts.query, keep_blank_values=True)
    values, notices = schema.read(params)
    return schema, params, values, notices


# What each link in the README means: the settings it opens with (a new link there needs its line here).
README_LINKS = {
    "/?bg=ffc0cb": {"bg": "#ffc0cb"},
    "/teach?labels=ffc0cb.d,000080.l": {"labels": "ffc0cb.d,000080.l"},
    "/train?mode=chapter&lr=0.05&iterations=100000&hidden=3&activation=relu&seed=1":
        {"mode": "chapter", "lr": 0.05, "iterations": 100_000, "hidden": 3, "activation": "relu", "seed": 1},
    "/backprop?bg=ffc0cb&label=dark&model=fresh&seed=3&lr=0.05":
        {"bg": "#ffc0cb", "label": "dark", "model": "fresh", "seed": 3, "lr": 0.05},
    "/activations?fn=relu,logistic&deriv=1&xmin=-6&xmax=6":
        {"fn": ["relu", "logistic"], "deriv": True, "xmin": -6.0, "xmax": 6.0},
    "/digits?hidden=32,16&activation=relu&seed=0": {"hidden": "32,16", "activation": "relu", "seed": 0},
}


def test_every_readme_link_opens_on_the_settings_it_names():
    links = found_links()["readme"]
    assert set(README_LINKS) <= links
    for link in links:
        schema, params, values, notices = read(link)
        assert notices == [], link
        assert set(values) == set(params), link
        if link in README_LINKS:
            assert values == README_LINKS[link], link
        assert schema.read(schema.link(schema.defaults() | values))[0].items() >= \
            {k: v for k, v in values.items() if schema.format(k, v) != schema.format(k, schema[k].default)}.items()


def test_every_link_in_the_tests_gets_at_most_one_notice_per_value_in_the_one_wording():
    links = found_links()["tests"]
    assert len(links) >= 10
    malformed = 0
    for link in links:
        schema, params, values, notices = read(link)
        keys = [ONE_WORDING.fullmatch(n).group("key") for n in notices]
        assert len(keys) == len(set(keys)) and set(keys) <= set(params), (link, notices)
        for key in set(params) & set(schema.names) - set(keys):  # what was not noticed is used as the link says
            assert schema.format(key, values[key]) == schema[key].kind.pick(params[key]).strip() or \
                schema.read({key: schema.format(key, values[key])})[0][key] == values[key], (link, key)
        malformed += bool(notices)
    assert malformed >= 3  # the tests' own malformed links are among them


BAD = {"empty": "", "word": "zzz", "script": "<script>alert(1)</script>", "unicode": "💥ünïcødé", "huge": "9" * 50_000,
       "nul": "a\x00b", "nan": "nan", "inf": "1e309", "neg-huge": "-1e300", "markdown": "[x](javascript:alert(1))"}
# Values that are right for some settings: which ones (by page and key) are exempt from a case.
FINE = {("activations", "fn", "empty"), ("teach", "labels", "empty"), ("teach", "room", "empty"),
        ("class", "room", "empty"), ("class", "key", "empty"),  # empty: none given
        # a teacher key is any url-safe token: the store, not the link, says whether it opens the room
        *(("class", "key", case) for case in ("word", "nan", "inf", "neg-huge"))}


@pytest.mark.parametrize("page", PAGES.values(), ids=lambda s: s.page)
@pytest.mark.parametrize("case", BAD)
def test_a_malformed_value_gets_exactly_one_notice_in_the_one_wording(page, case):
    for f in page.fields:
        values, notices = page.read({f.name: BAD[case]})
        if (page.page, f.name, case) in FINE:
            assert notices == []
            continue
        assert len(notices) == 1, (page.page, f.name, case, notices)
        m = ONE_WORDING.fullmatch(notices[0])
        assert m and m.group("key") == f.name, notices[0]
        assert len(notices[0]) < 600 and len(m.group("raw")) <= SHORT + 2  # the one shortening rule
        if "default" in m.group("using"):
            assert values[f.name] == (f.format(f.default) if f.as_text else f.default)


def test_a_50000_digit_logit_gives_a_short_notice():
    values, notices = ACTIVATIONS.read({"logits": ["1" * 50_000 + ",2,3"]})
    assert values["logits"] == ACTIVATIONS["logits"].default
    assert len(notices) == 1 and len(notices[0]) < 200 and "'111111111111111111111111111...'" in notices[0]


# ---- the spellings the module docstring promises, the same on every page ------------------------------------
FLAGS = {"1": True, "true": True, "True": True, " yes ": True, "ON": True, "0": False, "false": False, "no": False,
         "Off": False}
WHOLE = {"1000": 1000, "1,000": 1000, "1_000": 1000, "1e3": 1000, "1000.0": 1000, " 7 ": 7}


def fields_of(kind: type) -> list[tuple[Schema, settings.Field]]:
    return [(s, f) for s in PAGES.values() for f in s.fields if isinstance(f.kind, kind)]


def test_every_flag_reads_every_spelling():
    assert len(fields_of(settings.Flag)) >= 4
    for schema, f in fields_of(settings.Flag):
        for text, value in FLAGS.items():
            assert schema.read({f.name: text}) == ({f.name: value}, []), (schema.page, f.name, text)
        assert schema.format(f.name, True) == "true"


def test_every_whole_number_reads_every_spelling():
    for schema, f in fields_of(settings.Whole):
        for text, value in WHOLE.items():
            if f.kind.lo <= value <= f.kind.hi:
                assert schema.read({f.name: text}) == ({f.name: value}, []), (schema.page, f.name, text)
        assert schema.read({f.name: "2.5"})[1] and schema.read({f.name: "abc"})[1]


def test_every_choice_reads_any_case_and_writes_the_name():
    for schema, f in fields_of(settings.Choice):
        name = f.kind.names[-1]
        assert schema.read({f.name: f" {name.upper()} "}) == ({f.name: name}, []), (schema.page, f.name)
        assert schema.link({f.name: name}) in ({f.name: name}, {})


def test_numbers_read_decimal_and_scientific_notation_and_write_their_shortest_form():
    assert BACKPROP.read({"lr": "5e-2"}) == ({"lr": 0.05}, []) and ACTIVATIONS.read({"at": "+.5"}) == ({"at": 0.5}, [])
    assert settings.format_number(6.0) == "6" and settings.format_number(0.1 + 0.2) == repr(0.1 + 0.2)
    assert ACTIVATIONS.read({"xmin": "-1,5"})[1]  # a decimal comma is not a number


def test_a_snapped_value_moves_to_the_scale_with_a_notice_and_refuses_far_values():
    assert TRAIN.read({"lr": "0.05"}) == ({"lr": 0.05}, [])
    values, [notice] = TRAIN.read({"lr": "0.07"})
    assert values == {"lr": 0.05} and notice == "lr='0.07' is not on the offered scale; using the nearest value, 0.05."
    assert TRAIN.read({"lr": "50"})[0] == {"lr": 0.05} and "outside" in TRAIN.read({"lr": "50"})[1][0]
    assert TRAIN.read({"test": "25%"}) == ({"test": 0.25}, []) and TRAIN.read({"test": "1/3"})[0]["test"] == 1 / 3


def test_a_rule_across_settings_resets_them_together_with_one_notice():
    values, notices = ACTIVATIONS.read({"xmin": "5", "xmax": "-5"})
    assert values == {"xmin": -6.0, "xmax": 6.0}
    assert notices == ["xmin='5' is in the wrong order (xmin must be below xmax); using the defaults, xmin=-6 and "
                       "xmax=6."]


def test_link_leaves_defaults_out_and_reads_back():
    for schema in PAGES.values():
        assert schema.link(schema.defaults()) == {}
        full = schema.link(schema.defaults(), only_changed=False)
        values, notices = schema.read(full)
        assert notices == [] and all(schema.format(k, v) == full[k] for k, v in values.items())


# ---- the command line and validation ------------------------------------------------------------------------
def parser_with(schema: Schema, *names: str) -> argparse.ArgumentParser:
    class Quiet(argparse.ArgumentParser):
        def error(self, message):
            raise SettingsError(message)

    p = Quiet()
    schema.add_arguments(p, names)
    return p


def test_cli_arguments_read_like_the_link_but_refuse_what_a_link_would_correct():
    p = parser_with(DIGITS, "hidden", "lr", "seed")
    a = p.parse_args(["--hidden", "24", "--seed", "1e3"])
    assert (a.hidden, a.seed, a.lr) == ((24,), 1000, 0.005)
    with pytest.raises(SettingsError, match="nearest is 0.002"):
        p.parse_args(["--lr", "0.003"])
    with pytest.raises(SettingsError, match="'abc' is not a whole number"):
        p.parse_args(["--seed", "abc"])


def test_validate_names_the_bad_setting():
    assert TRAIN.validate({"hidden": 4, "lr": 0.2}) == {"hidden": 4, "lr": 0.2}
    for bad, word in [({"hidden": 17}, "hidden=17 is outside 1–16"), ({"seed": 1.0}, "seed=1.0 is not a whole number"),
                      ({"activation": "softmax"}, "activation='softmax' is not one of"),
                      ({"lr": 0.07}, "lr=0.07 is not on the offered scale"), ({"n": True}, "n=True is not a whole")]:
        with pytest.raises(SettingsError, match=re.escape(word)):
            TRAIN.validate(bad)


def test_a_table_refuses_a_default_its_own_kind_cannot_read():
    with pytest.raises(SettingsError):
        Schema("x", (settings.Field("n", 0, settings.Whole(1, 3)),))
    with pytest.raises(ValueError, match="twice"):
        Schema("x", (settings.Field("n", 1, settings.Whole(1, 3)), settings.Field("n", 1, settings.Whole(1, 3))))


def test_a_count_says_its_noun_in_the_singular_only_for_one():
    from fontnet.parsing import counted

    assert [counted(n, "answer") for n in (0, 1, 2, 1800)] == ["0 answers", "1 answer", "2 answers", "1,800 answers"]


def test_a_typed_list_of_numbers_splits_one_way_everywhere():
    from fontnet.parsing import number_words

    assert number_words("0.5, -1/4;2\n3e-3  7") == ["0.5", "-1/4", "2", "3e-3", "7"]
    assert number_words("[0.1 0.2; 0.3]") == number_words("(0.1, 0.2, 0.3)") == number_words("{0.1,0.2,0.3}") == [
        "0.1", "0.2", "0.3"]
    assert number_words("−0.5 , ,") == ["-0.5"] and number_words("") == number_words(" [ ] ") == []


@pytest.mark.parametrize("typed", ["8,4", "8 4", "8; 4", "(8, 4)", "[8,4]"])
def test_layer_widths_read_as_any_typed_list_of_numbers(typed):
    assert settings.DIGITS.read({"hidden": typed}) == ({"hidden": "8,4"}, [])   # kept as text, written 8,4


@pytest.mark.parametrize("typed", ["", "8-4", "8.5", "( )"])
def test_layer_widths_that_are_not_a_list_of_whole_numbers_keep_the_default(typed):
    values, [notice] = settings.DIGITS.read({"hidden": typed})
    assert values == {"hidden": "32,16"} and "is not a list of layer widths such as 32,16" in notice
