"""The Teach page in Streamlit's AppTest: answering, undo, removal, links with bad parts, files and 'Use this model'."""

import json
import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from fontnet import colors, teach, training
from fontnet.figures.training import contour_segments
from fontnet.network import Network
from fontnet.parsing import NO_CHANGE, points_change
from fontnet.teach import Answer
from tests.page_helpers import click, no_exception, shown

ROOT = Path(__file__).resolve().parents[1]
PAGE = "app_pages/teach.py"


def page(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update(query)
    return at.run()


def answers(at) -> list[Answer]:
    return at.session_state["teach_answers"]


def question(at) -> tuple[int, int, int]:
    return at.session_state["teach_question"]


def colour_box(at) -> str:
    return next(h.proto.body for h in at.get("html") if 'id="teach-colour"' in h.proto.body)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def same_network(a: Network, b: Network) -> bool:
    return all(np.array_equal(x, y) for x, y in zip((*a.weights_, *a.biases_), (*b.weights_, *b.biases_)))


def test_a_fresh_page_asks_about_one_colour_with_both_shades():
    at = page()
    no_exception(at)
    assert at.title[0].value == "Teach"
    box = colour_box(at)
    hex_bg = colors.to_hex(question(at))
    assert f"background-color: {hex_bg}" in box
    assert colors.to_hex(colors.DARK_TEXT) in box and colors.to_hex(colors.LIGHT_TEXT) in box
    assert box.count("The quick brown fox") == 2
    labels = {b.label for b in at.button}
    assert {"Dark reads better", "Light reads better", "Undo", "Use this model"} <= labels
    assert at.button(key="teach_undo").disabled and at.button(key="teach_use").disabled
    assert answers(at) == [] and metric(at, "Guessed right") == "–"
    assert at.radio(key="teach.ask").value == "active"
    assert any(teach.WHY_ACTIVE in c.value for c in at.caption)
    assert "labels" not in at.query_params


def test_answering_records_a_row_retrains_updates_the_link_and_asks_another_colour():
    at = page()
    first = question(at)
    before = at.session_state["teach_net"]
    guessed = teach.guess(before, first).label
    click(at, "Dark reads better")
    no_exception(at)
    assert answers(at) == [Answer(first, 1, guessed)]
    assert same_network(at.session_state["teach_net"], teach.train(answers(at)))
    assert question(at) != first
    second = question(at)
    after_one = teach.agreement(at.session_state["teach_net"])
    click(at, "Light reads better")
    assert answers(at)[-1].rgb == second and answers(at)[-1].label == 0
    assert at.query_params["labels"] == teach.encode_link(answers(at))
    hits, asked = teach.running_score(answers(at))
    assert asked == 2 and metric(at, "Guessed right") == f"{hits} of 2"
    ag = teach.agreement(at.session_state["teach_net"])
    assert metric(at, "Formula agrees") == f"{ag.formula:.1%}"
    assert metric(at, "WCAG agrees") == f"{ag.wcag:.1%}"
    # each score's change since the answer before, in points, or "no change" (not "+0.0 pts", read as a rise)
    deltas = {m.label: m.proto.delta for m in at.metric if m.label.endswith("agrees")}
    assert deltas == {"Formula agrees": points_change(ag.formula, after_one.formula),
                      "WCAG agrees": points_change(ag.wcag, after_one.wcag)}
    swatches = next(m.value for m in at.markdown if 'id="teach-answers"' in m.value)
    assert f"background: {colors.to_hex(first)}; color: {colors.to_hex(colors.DARK_TEXT)}" in swatches
    assert f"background: {colors.to_hex(second)}; color: {colors.to_hex(colors.LIGHT_TEXT)}" in swatches


def test_a_change_in_points_is_signed_and_one_that_rounds_to_zero_is_no_change():
    assert points_change(0.823, 0.811) == "+1.2 pts" and points_change(0.5, 0.5104) == "-1.0 pts"
    assert points_change(0.8004, 0.8) == NO_CHANGE == points_change(0.8, 0.8004) == "no change"
    assert points_change(0.8006, 0.8) == "+0.1 pts"


def scores_line(at) -> str:
    return next(m.value for m in at.markdown if 'id="teach-scores"' in m.value)


def test_counts_under_the_scores_and_in_messages_say_one_answer_and_two_answers():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.switch_page(PAGE).run()
    # nothing trained yet, so no time to give ("retrained in 0 ms" said it had been)
    assert ">0 answers · the network has its starting weights<" in scores_line(at)
    click(at, "Dark reads better")
    assert re.search(r">1 answer · retrained in (under 1 ms|\d+ ms|\d+\.\d\d s)<", scores_line(at))
    click(at, "Use this model")
    no_exception(at)
    assert any("taught here \\(1 answer\\)" in i.value for i in at.info)
    fresh = page()
    fresh.file_uploader(key="teach_upload").upload("one.csv", teach.to_csv([Answer((255, 192, 203), 1)]).encode(),
                                                   "text/csv")
    fresh.run()
    no_exception(fresh)
    assert any("Loaded 1 answer from the file" in shown(s) for s in fresh.success)
    click(fresh, "Light reads better")
    assert ">2 answers · retrained in" in scores_line(fresh)


def test_undo_removes_the_last_answer_and_asks_that_colour_again():
    at = page()
    click(at, "Dark reads better")
    second = question(at)
    click(at, "Light reads better")
    kept = answers(at)[:1]
    click(at, "Undo")
    no_exception(at)
    assert answers(at) == kept and question(at) == second
    assert same_network(at.session_state["teach_net"], teach.train(kept))
    click(at, "Undo")
    assert answers(at) == [] and "labels" not in at.query_params
    assert at.button(key="teach_undo").disabled


def test_skip_asks_another_colour_without_an_answer():
    at = page(labels="ffc0cb.d")
    first, net = question(at), at.session_state["teach_net"]
    click(at, "Skip")
    no_exception(at)
    assert question(at) != first and len(answers(at)) == 1 and at.session_state["teach_net"] is net


def test_any_answer_can_be_removed():
    at = page(labels="ffc0cb.d,000080.l,ffff00.d,202020.l")
    no_exception(at)
    assert [a.hex for a in answers(at)] == ["#ffc0cb", "#000080", "#ffff00", "#202020"]
    at.multiselect(key="teach_remove").select(1).select(3)
    at.run()
    click(at, "Remove")
    no_exception(at)
    assert answers(at) == [Answer((255, 192, 203), 1), Answer((255, 255, 0), 1)]
    assert same_network(at.session_state["teach_net"], teach.train(answers(at)))
    assert at.query_params["labels"] == "ffc0cb.d,ffff00.d"
    click(at, "Remove all")
    assert answers(at) == []


def test_coming_back_to_the_page_puts_the_answers_back_in_the_link():
    at = page(labels="ffc0cb.d,000080.l")
    del at.query_params["labels"]  # as after a visit to another page
    at.run()
    no_exception(at)
    assert at.query_params["labels"] == "ffc0cb.d,000080.l" and len(answers(at)) == 2


def test_a_share_link_opens_the_taste_and_its_network_keeping_the_valid_part():
    at = page(labels="ffc0cb.d,zzzzzz.l,000080.x,ffffff.d,ffc0cb.l,<b>x</b>", ask="sideways")
    no_exception(at)
    assert answers(at) == [Answer((255, 255, 255), 1), Answer((255, 192, 203), 0)]
    assert same_network(at.session_state["teach_net"], teach.train(answers(at)))
    notices = [shown(w) for w in at.warning]
    assert len(notices) == 2  # one per malformed value, each naming every problem in it
    labels = next(n for n in notices if n.startswith("From the link: labels="))
    assert "'zzzzzz.l'" in labels and "'<b>x</b>'" in labels and "not a colour" in labels
    assert "'000080.x'" in labels and "unknown label letter" in labels
    assert "#ffc0cb" in labels and "last answer" in labels
    assert any("ask='sideways'" in n for n in notices)
    assert at.query_params["labels"] == "ffffff.d,ffc0cb.l"  # the link now says what is in use
    assert at.radio(key="teach.ask").value == "active"
    at.run()
    assert not at.warning  # shown once


def test_a_link_with_too_many_answers_keeps_two_hundred_and_answering_stops_there():
    rgb = teach.yardstick()[0][:400]
    unique = list({tuple(c): Answer(tuple(c), int(colors.formula_label(c))) for c in rgb.tolist()}.values())[:230]
    at = page(labels=teach.encode_link(unique))
    no_exception(at)
    assert answers(at) == unique[:200]
    assert any("230 answers" in shown(w) for w in at.warning)
    click(at, "Dark reads better")
    assert len(answers(at)) == 200 and any("200 answers" in shown(w) for w in at.warning)


def test_random_choice_from_the_link_and_the_guess_behind_a_toggle():
    at = page(ask="random", labels="ffffff.d,000000.l")
    assert at.radio(key="teach.ask").value == "random"
    assert not any("I think you will pick" in m.value for m in at.markdown)
    at.toggle(key="teach_show_guess").set_value(True)
    at.run()
    sentence = teach.guess(at.session_state["teach_net"], question(at)).sentence()
    assert any(sentence in m.value for m in at.markdown)


def test_typed_sample_text_is_escaped():
    at = page()
    at.text_input(key="teach_text").input("<img src=x onerror=alert(1)>")
    at.run()
    box = colour_box(at)
    assert "<img" not in box and "&lt;img src=x onerror=alert(1)&gt;" in box


def test_uploading_the_answers_csv_continues_them_and_a_bad_file_keeps_them():
    at = page(labels="ffc0cb.d,000080.l")
    text = teach.to_csv(answers(at))
    fresh = page()
    fresh.file_uploader(key="teach_upload").upload("mine.csv", text.encode(), "text/csv")
    fresh.run()
    no_exception(fresh)
    assert answers(fresh) == [Answer((255, 192, 203), 1), Answer((0, 0, 128), 0)]
    assert any("Loaded 2 answers" in shown(s) for s in fresh.success)
    assert fresh.query_params["labels"] == "ffc0cb.d,000080.l"
    fresh.file_uploader(key="teach_upload").clear()
    fresh.run()
    fresh.file_uploader(key="teach_upload").upload("bad.csv", b"red,green,blue,label\n1,2,999,1\n", "text/csv")
    fresh.run()
    no_exception(fresh)
    assert any("outside 0–255" in shown(e) and "unchanged" in shown(e) for e in fresh.error)
    assert len(answers(fresh)) == 2


def test_use_this_model_sends_the_network_to_the_predict_page():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.switch_page(PAGE).run()
    no_exception(at)
    for label in ("Dark reads better", "Light reads better", "Dark reads better"):
        click(at, label)
    net = at.session_state["teach_net"]
    click(at, "Use this model")
    no_exception(at)
    model = at.session_state["fontnet_session_model"]
    assert isinstance(model, Network) and model is not net and same_network(model, net)
    assert at.title[0].value == "Predict"
    assert any("your own model" in i.value and "taught here \\(3 answers\\)" in i.value for i in at.info)


def map_chart(at) -> dict:
    """What the page run sent the decision map (a canvas map of static/live_chart.js, not a plotly chart)."""
    el = next(e for e in at.get("bidi_component") if e.proto.id.endswith("teach_map"))
    (chart,) = json.loads(el.proto.json)["charts"]
    return chart


def test_the_map_shows_the_networks_p_dark_its_lines_and_the_answers_near_the_slice():
    at = page(labels="ffffff.d,000000.l,ff8000.d,0000ff.l,808080.d")
    no_exception(at)
    assert not at.get("plotly_chart")   # no charting library to load before the buttons work
    net = at.session_state["teach_net"]
    sl = training.decision_slice(net, "B", 128)
    m = map_chart(at)
    assert m["spec"]["kind"] == "map" and (m["spec"]["x_label"], m["spec"]["y_label"]) == ("R", "G")
    assert m["spec"]["readout"] and "P(dark text) where B = 128" in m["spec"]["alt"]
    # the readout's numbers: P(dark) in every cell to three decimals, as the hover read them before
    np.testing.assert_allclose(np.reshape(m["p"], sl.p_dark.shape), sl.p_dark, atol=5e-4)
    assert m["contour"] == contour_segments(sl.axis, sl.p_dark) and len(m["boundary"]) == 2
    # dots: the answers within 40 of B = 128, as [R, G, r, g, b, label]
    assert sorted(m["points"]) == [[128, 128, 128, 128, 128, 1]]
    assert any(c.value.startswith("The map where B = 128: the network picks dark text on") for c in at.caption)
    at.radio(key="teach_slice").set_value("R").run()
    at.slider(key="teach_at").set_value(255).run()
    m = map_chart(at)
    assert (m["spec"]["x_label"], m["spec"]["y_label"]) == ("G", "B")
    np.testing.assert_allclose(np.reshape(m["p"], sl.p_dark.shape),
                               training.decision_slice(net, "R", 255).p_dark, atol=5e-4)
    assert sorted(m["points"]) == [[128, 0, 255, 128, 0, 1], [255, 255, 255, 255, 255, 1]]   # #ff8000, #ffffff


def test_disagreements_wait_for_answers_then_show_where_your_network_and_the_formula_differ():
    import re

    from fontnet.model import p_dark

    at = page()
    assert any("learned nothing from you yet" in c.value for c in at.caption)
    assert not [m for m in at.markdown if "teach-disagree" in m.value]
    # a contrary taste: light text on the brightest colours, dark on the darkest
    at = page(labels="ffffff.l,ffff00.l,00ffff.l,000000.d,000080.d,800000.d")
    no_exception(at)
    assert not any("learned nothing from you yet" in c.value for c in at.caption)
    [box] = [m.value for m in at.markdown if "teach-disagree" in m.value]
    shown_bg = [tuple(int(h[i:i + 2], 16) for i in (1, 3, 5)) for h in re.findall(r"background: (#[0-9a-f]{6})", box)]
    assert 1 <= len(shown_bg) <= 8
    p = p_dark(teach.train(answers(at)), np.array(shown_bg))
    mine = (p >= 0.5).astype(int)
    assert np.all(mine != colors.formula_label(np.array(shown_bg)))   # each one is a disagreement
    you = re.findall(r'color: (#[0-9a-f]{6}); font-weight: 700; font-size: 1.2rem">you: Aa', box)
    assert you == [colors.to_hex(colors.text_colour(bool(m))) for m in mine]

