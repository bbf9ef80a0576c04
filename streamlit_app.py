"""FontNet: the table of contents."""

import streamlit as st

st.set_page_config(page_title="FontNet — dark or light text?", page_icon="🎨", layout="wide")

st.navigation([
    st.Page("pages/predict.py", title="Predict", icon="🎨", default=True),
    st.Page("pages/train.py", title="Train", icon="📉", url_path="train"),
    st.Page("pages/activations.py", title="Activations", icon="📈", url_path="activations"),
]).run()
