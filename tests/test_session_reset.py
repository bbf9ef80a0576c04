"""The session-reset notice's server side (the browser side, against real replicas: tests/browser/test_replicas.py)."""

from streamlit.testing.v1 import AppTest

from app.session_reset import MESSAGE, RESET, TOKEN


def script():
    from app.session_reset import notice_if_reset

    notice_if_reset()


def test_a_session_keeps_one_token_and_shows_no_notice_until_the_page_reports_a_reset():
    at = AppTest.from_function(script).run()
    token = at.session_state[TOKEN]
    assert len(token) == 16 and not at.exception and len(at.warning) == 0
    at.run()
    assert at.session_state[TOKEN] == token  # the same session: the same token, so the page sees no change
    assert AppTest.from_function(script).run().session_state[TOKEN] != token  # another session: another token


def test_the_notice_shows_until_dismissed():
    at = AppTest.from_function(script).run()
    at.session_state[RESET] = True  # what the page's report sets (app/session_reset.js)
    at.run()
    assert [w.value for w in at.warning] == [MESSAGE] and not at.exception
    at.run()
    assert len(at.warning) == 1  # still there on the next rerun
    at.button(key="session_reset_dismiss").click().run()
    assert len(at.warning) == 0 and not at.exception
