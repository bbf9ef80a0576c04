"""Link settings: the shared reading of a page's link, and the Activations page's settings."""

import pytest

from fontnet import presets, store
from fontnet.settings import ACTIVATIONS as ACT
from fontnet.settings import CLASS, PREDICT, TEACH


def activations_settings(params):
    """The Activations page's settings in use for a link: its table's defaults, then what the link gives."""
    values, notices = ACT.read(params)
    return ACT.defaults() | values, notices


def test_activations_settings_defaults_and_valid_values():
    assert activations_settings({}) == (ACT.defaults(), [])
    settings, notices = activations_settings({
        "fn": ["relu,logistic"], "deriv": ["0"], "xmin": ["-3"], "xmax": ["4.5"], "slope": ["0.2"],
        "logits": ["1,2,3,4"], "temp": ["0.5"], "depth": ["7"], "at": ["-1.5"]})
    assert notices == []
    assert settings == {"fn": ["relu", "logistic"], "deriv": False, "xmin": -3.0, "xmax": 4.5, "slope": 0.2,
                        "logits": "1,2,3,4", "temp": 0.5, "depth": 7, "at": -1.5}
    assert activations_settings({"fn": ["tanh", "relu"]})[0]["fn"] == ["tanh", "relu"]  # repeated keys
    assert activations_settings({"fn": [""]})[0]["fn"] == []  # an empty selection is allowed


@pytest.mark.parametrize("params,key", [
    ({"xmin": ["abc"]}, "xmin"), ({"xmax": ["1e9"]}, "xmax"), ({"xmin": ["5"], "xmax": ["-5"]}, "xmin"),
    ({"xmin": ["2"], "xmax": ["2"]}, "xmin"), ({"fn": ["bogus"]}, "fn"), ({"logits": ["x,y"]}, "logits"),
    ({"deriv": ["maybe"]}, "deriv"), ({"temp": ["0"]}, "temp"), ({"depth": ["2.5"]}, "depth"),
    ({"depth": ["99"]}, "depth"), ({"slope": ["nan"]}, "slope"), ({"at": ["inf"]}, "at"),
])
def test_activations_settings_falls_back_with_a_notice(params, key):
    settings, notices = activations_settings(params)
    assert len(notices) == 1 and notices[0].startswith(f"{key}=")
    assert settings == ACT.defaults()


def test_activations_settings_keeps_the_known_functions_and_shortens_long_values():
    settings, notices = activations_settings({"fn": ["relu,bogus"], "xmin": ["9" * 200]})
    assert settings["fn"] == ["relu"] and len(notices) == 2
    assert "bogus" in notices[0] and all(len(n) < 200 for n in notices)


@pytest.mark.parametrize("raw", ["zzz", "12345", "<script>", "", "ff00zz", "255,0,0"])
def test_a_bad_colour_falls_back_to_the_default_with_a_notice(raw):
    values, notices = PREDICT.read({"bg": [raw]})
    assert values == {"bg": presets.DEFAULT_BG}
    assert notices == [f"bg={raw!r} is not a hex colour like ffc0cb; using the default, {presets.DEFAULT_BG[1:]}."]


@pytest.mark.parametrize("raw,used", [("ffc0cb", "#ffc0cb"), ("#FFC0CB", "#ffc0cb"), ("f0c", "#ff00cc")])
def test_a_good_colour_is_used_as_lower_case_hex(raw, used):
    assert PREDICT.read({"bg": [raw]}) == ({"bg": used}, [])
    assert PREDICT.link({"bg": used}) == {"bg": used[1:]}


def test_no_colour_in_the_link_means_nothing_to_apply():
    assert PREDICT.read({}) == ({}, [])


# ---- class rooms: the Teach page's room and the Class page's room and key -------------------------------------
@pytest.mark.parametrize("raw", ["K7F3QX", "k7f-3qx", " K7F 3QX "])
def test_a_room_code_in_a_link_is_read_as_the_store_normalises_it(raw):
    assert TEACH.read({"room": raw}) == ({"room": "K7F3QX"}, [])
    assert CLASS.read({"room": raw}) == ({"room": "K7F3QX"}, [])
    assert TEACH.link({"room": "K7F3QX"}) == {"room": "K7F3QX"} and TEACH.link({"room": ""}) == {}


@pytest.mark.parametrize("raw, says", [
    ("K0F3QX", "is not a room code: it has '0'"),
    ("K7F3Q", "is not a room code: it has 5 characters; a room code has 6"),
    ("<b>x</b>", "is not a room code: it has '/', '<', '>'"),
])
def test_a_bad_room_code_in_a_link_means_no_room_with_a_notice(raw, says):
    values, notices = TEACH.read({"room": raw})
    assert values == {"room": ""}
    assert len(notices) == 1 and notices[0].startswith(f"room={raw!r} {says}") and notices[0].endswith("using no room.")


def test_a_teacher_key_in_a_link_is_kept_as_given_and_a_malformed_one_dropped():
    key = store.new_key()
    assert CLASS.read({"room": "K7F3QX", "key": key}) == ({"room": "K7F3QX", "key": key}, [])
    for bad, says in (("x" * 201, "at most 200 characters"), ("a b", "only letters, digits")):
        values, notices = CLASS.read({"key": bad})
        assert values == {"key": ""} and says in notices[0] and notices[0].endswith("using no key.")
    assert "key" not in TEACH.names   # a student's page never takes a teacher key from its link
