"""Link settings on the pages: reading, notices, every setting round-tripping through its link, and the
link defects of issue #25 (page-scoped controls, settings kept as short values)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import links
from fontnet import presets, settings, store
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


# ---- every page's settings round-trip through its link (AppTest) -----------------------------------------------
ROOT = Path(__file__).resolve().parents[1]
CONTROLS = ("number_input", "slider", "select_slider", "selectbox", "radio", "multiselect", "checkbox", "toggle",
            "text_input", "color_picker")
# A value other than the default for every setting of every page, set through its control.
CHANGED = {
    "predict": {"bg": "#123456", "math": True},
    "teach": {"ask": "random"},   # labels: answered below
    "train": {"lr": 0.2, "iterations": 5000, "layers": 2, "hidden": 5, "activation": "tanh", "loss": "cross_entropy",
              "mode": "minibatch", "batch": 16, "init": "xavier", "seed": 9, "test": 0.25, "data": "random", "n": 500},
    "backprop": {"bg": "#123456", "label": "light", "seed": 7, "model": "default", "act": "leaky_relu",
                 "loss": "cross_entropy", "lr": 0.125, "steps": 40, "printed": True, "sympy": True, "turn": True},
    "activations": {"fn": ["tanh", "softmax"], "deriv": False, "xmin": -3.5, "xmax": 4.0, "slope": 0.2,
                    "logits": "1, 2, 3, 4", "temp": 0.5, "depth": 7, "at": -1.5},
    "digits": {"hidden": "24", "activation": "tanh", "lr": 0.01, "iterations": 300, "seed": 3},
    "tune": {**{key: -2.375 + 0.25 * k for k, key in enumerate(settings.TUNE.names[:16])}, "on1": False, "on2": False,
             "on3": False, "slice": "r", "at": 7},
}
SCHEMAS = {s.page: s for s in (settings.PREDICT, settings.TEACH, settings.TRAIN, settings.BACKPROP,
                               settings.ACTIVATIONS, settings.DIGITS, settings.TUNE)}


def control(at: AppTest, key: str):
    """The widget with this key, whatever its kind."""
    for kind in CONTROLS:
        for w in getattr(at, kind):
            if w.key == key:
                return w
    raise KeyError(key)


def open_page(page: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / f"{page}.py"), default_timeout=180)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def link_of(at: AppTest) -> dict[str, list[str]]:
    """The page's link as the browser shows it: each key's values."""
    return {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}


def in_use(at: AppTest, schema) -> dict[str, object]:
    return {name: at.session_state[links.key(schema, name)] for name in schema.names}


@pytest.mark.parametrize("page", CHANGED)
def test_every_setting_of_every_page_round_trips_through_its_link(page, class_db):
    schema = SCHEMAS[page]
    changed = dict(CHANGED[page])
    at = open_page(page)
    if page == "teach":
        for label in ("Dark reads better", "Light reads better"):
            next(b for b in at.button if b.label == label).click().run()
        changed["labels"] = at.session_state["teach.labels"]
    assert set(changed) | ({"room"} if page == "teach" else set()) == set(schema.names), "every setting is changed"
    for name, value in CHANGED[page].items():
        control(at, links.key(schema, name)).set_value(value).run()
        assert not at.exception, [e.value for e in at.exception]
    assert in_use(at, schema) == {**changed, **({"room": ""} if page == "teach" else {})}
    link = link_of(at)
    if page == "teach":   # a class room has no control: it comes from the student link (a real room, asking as set)
        code, _ = class_db.create_room(ask="random")
        link["room"] = [code]
        changed["room"] = code
    assert set(link) == set(schema.names) and all(len(v) == 1 for v in link.values())
    assert all(len(v[0]) <= 40 for k, v in link.items() if k != "labels"), link  # short values, never a label
    again = open_page(page, {k: v[0] for k, v in link.items()})
    assert in_use(again, schema) == changed and not again.warning
    assert link_of(again) == link


# ---- the link defects of issue #25 ---------------------------------------------------------------------------
def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180)
    at.run()
    return at


def visit(at: AppTest, page: str) -> AppTest:
    """Click `page` in the sidebar: the browser opens it with no query parameters, in the same session."""
    at.query_params.clear()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_digits_opens_cleanly_after_train_used_a_model():
    at = visit(app(), "train")
    control(at, "train.iterations").set_value(50).run()
    next(b for b in at.button if b.label == "Step").click().run()
    control(at, "train.hidden").set_value(5).run()
    next(b for b in at.button if b.label == "Use this model").click().run()
    assert at.title[0].value == "Predict"
    visit(at, "digits")
    assert at.title[0].value == "Digits" and "hidden" not in at.query_params
    assert control(at, "digits.hidden").value == "32,16"
    visit(at, "train")
    assert control(at, "train.hidden").value == 5 and at.query_params["hidden"] == "5"  # Train keeps its own


def test_a_pages_settings_come_from_its_own_table_only():
    at = visit(app(), "train")
    control(at, "train.lr").set_value(2.0).run()
    control(at, "train.seed").set_value(42).run()
    visit(at, "backprop")
    assert control(at, "backprop.lr").value == 0.05 and control(at, "backprop.seed").value == 0
    assert "lr" not in at.query_params and "seed" not in at.query_params


@pytest.mark.parametrize("page,link", [
    ("backprop", {"label": "dark", "model": "default", "act": "tanh", "loss": "cross_entropy"}),
    ("teach", {"ask": "random"}),
    ("activations", {"fn": "tanh,relu"}),
])
def test_a_link_keeps_every_setting_it_opened_with(page, link):
    at = open_page(page, link)
    assert {k: at.query_params[k] for k in link} == link and not at.warning
    at.run()
    assert {k: at.query_params[k] for k in link} == link


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
