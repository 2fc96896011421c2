# Commitboard as a container: the app served by scripts/serve.py (warm-up, /healthz), as `make run`
# starts it, on 0.0.0.0:8501. Everything it needs is installed here, at build time, from the
# pinned requirements.txt (the DuckDB extensions included, as pip packages): nothing is
# downloaded when the container runs. A team's layout (PostgreSQL, two app replicas on one
# lake, a proxy with sticky sessions) is compose.yaml; how to run it: docs/team.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The requirements first, so a change to the code does not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# A user of its own; it owns only what the app writes: data/ (the embedded database file, when
# COMMITBOARD_DB is a path) and the lake's data folder (compose mounts a shared volume there; a
# new named volume takes this folder's owner).
RUN useradd --create-home --uid 10001 commitboard \
    && mkdir -p /app/data /var/lib/commitboard/lake \
    && chown commitboard:commitboard /app/data /var/lib/commitboard/lake
USER commitboard

EXPOSE 8501

# /healthz answers 200 when the store answers (scripts/serve.py); urlopen raises on a 503 or no
# answer, so python exits non-zero. No curl in the slim image, and none needed. The start period
# covers opening (and on a first start creating) the store before the server listens.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/healthz', timeout=4)"]

# No file watcher: the code in an image does not change, and polling it costs CPU.
CMD ["python", "scripts/serve.py", "--server.address", "0.0.0.0", "--server.port", "8501", \
     "--server.headless", "true", "--server.fileWatcherType", "none"]
