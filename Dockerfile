# conflictmap in a container: the dashboard on the shipped data, the map's files (vendored in static/) served locally.
# Build:  docker build -t conflictmap .
# Run:    docker run -p 8501:8501 conflictmap
# Behind a reverse proxy under a path prefix: docker run -p 8501:8501 conflictmap --server.baseUrlPath=/conflictmap
# Secrets for a private deployment: mount them at /app/.streamlit/secrets.toml (see conflictmap/access.py).
FROM python:3.11-slim-bookworm

WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Build the gazetteer index into the image, so the first visitor does not wait for it.
ENV CONFLICTMAP_CACHE_DIR=/app/.cache
RUN python -m conflictmap summary > /dev/null

EXPOSE 8501
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8501/_stcore/health')"
ENTRYPOINT ["python", "-m", "conflictmap.app.serve", "--server.address=0.0.0.0", "--server.port=8501"]
