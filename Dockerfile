# The web app and the Prefect workers share this image (it carries tesseract for OCR).
FROM python:3.11-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PREFECT_SERVER_ANALYTICS_ENABLED=false ECS_VAR_DIR=/app/var

RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng poppler-utils fonts-dejavu-core libpq5 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt constraints.txt ./
RUN pip install -r requirements.txt -c constraints.txt

COPY . .
# Static files collected with the production storage (docker/collectstatic.sh says why it needs placeholders).
RUN useradd --create-home --uid 1000 ecs && mkdir -p /app/var && chown -R ecs /app/var \
 && sh docker/collectstatic.sh
USER ecs

EXPOSE 8000
CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

# `demo` adds localstripe, the local Stripe stand-in, for the compose file's demo profile.
FROM app AS demo
USER root
RUN pip install localstripe==1.15.10 -c constraints.txt
USER ecs
