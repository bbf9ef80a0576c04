"""FontNet: the table of contents.

Each visitor's run executes this file as a script (`__main__`): the pages. `streamlit run` also imports it
once, finds `app` below and serves it, running its start-up work (app/server.py) before it answers, with one
route of its own: the feed the live charts poll while a run plays (app/live_feed.py), under the server's base
path like Streamlit's own routes (st.App mounts an app's routes as given), and one middleware: a page's HTML
is told the base path, so a first visit to /train connects without probing /train first (app/page_head.py).
"""

import streamlit as st

if __name__ == "__main__":  # a visitor's script run
    from app import first_paint
    from app.access import page_access
    from app.presses import run_ended, settle
    from app.session_reset import notice_if_reset

    st.set_page_config(page_title="FontNet — dark or light text?", page_icon="🎨", layout="wide")
    settle()  # a press's callback a stopped run is still finishing ends before this run reads any state
    page = st.navigation({
        "Use it": [
            st.Page("app_pages/predict.py", title="Predict", icon=":material/palette:", default=True),
            st.Page("app_pages/teach.py", title="Teach", icon=":material/school:", url_path="teach"),
            st.Page("app_pages/class.py", title="Class", icon=":material/groups:", url_path="class"),
        ],
        "Learn how": [
            st.Page("app_pages/train.py", title="Train", icon=":material/monitoring:", url_path="train"),
            st.Page("app_pages/tune.py", title="Tune", icon=":material/tune:", url_path="tune"),
            st.Page("app_pages/backprop.py", title="Backprop", icon=":material/account_tree:", url_path="backprop"),
            st.Page("app_pages/activations.py", title="Activations", icon=":material/show_chart:",
                    url_path="activations"),
            st.Page("app_pages/digits.py", title="Digits", icon=":material/draw:", url_path="digits"),
        ],
    })
    # The page scripts below may ask for a run (first_paint.js, session_reset.js). Mounted after the navigation,
    # they reach the browser after it has learned which page this is: a run asked for before that would name no
    # page, and Streamlit would run the default one (a first visit to /train, slow to draw, landed on Predict).
    notice_if_reset()  # says so when a replica behind a proxy stopped and this visitor's session was reset
    page_access()  # the navigation's list roles, visible focus (app/access.py)
    first_paint.begin()  # a first visit's run draws the page down to its main control, then the rest (app/first_paint.py)
    page.run()
    run_ended()  # the page ran to its end: not reached by a run stopped for a newer request (app/presses.py)
else:  # imported once by `streamlit run`, which serves this app and runs its start-up work
    from app.server import limit_malloc_arenas

    limit_malloc_arenas()   # first, before the server starts its threads (app/server.py says why)

    from starlette.middleware import Middleware

    from app.live_feed import routes
    from app.page_head import PageHead
    from app.server import lifespan

    # `streamlit run` has read its flags and config files before it imports this file
    base_path = st.get_option("server.baseUrlPath")
    app = st.App(__file__, lifespan=lifespan, routes=routes(base_path),
                 middleware=[Middleware(PageHead, base_path=base_path)])
