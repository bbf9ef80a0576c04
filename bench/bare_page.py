"""The yardstick for first visits: a bare Streamlit page with a title, a line of text and a button."""

import streamlit as st

st.title("A bare Streamlit page")
st.write("One line of text, and a button below it.")
st.button("Press me")
