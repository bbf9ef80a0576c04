import streamlit as st

st.title("Train")
st.info("Coming next.")
