import streamlit as st

st.title("Activations")
st.info("Coming next.")
