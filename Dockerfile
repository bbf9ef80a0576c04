# FontNet as a container: docker build -t fontnet . && docker run -p 8501:8501 fontnet
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NUMBA_CACHE_DIR=/home/app/.numba-cache

RUN useradd --create-home --uid 1000 app
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=app:app . .
USER app

# At build time: keep the trained default model in ~/.cache/fontnet and compile (and cache) the training
# loop, so no visitor waits for either.
RUN python -m fontnet prepare

EXPOSE 8501
# The health check follows a base path set in the environment (STREAMLIT_SERVER_BASE_URL_PATH=fontnet serves
# the app, and its health check, under /fontnet/).
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD python -c "import os, sys, urllib.request; base = os.environ.get('STREAMLIT_SERVER_BASE_URL_PATH', '').strip('/'); sys.exit(urllib.request.urlopen('http://localhost:8501' + ('/' + base if base else '') + '/_stcore/health', timeout=4).status != 200)"

CMD ["streamlit", "run", "streamlit_app.py", "--server.port", "8501", "--server.address", "0.0.0.0"]
