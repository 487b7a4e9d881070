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
# Static files are collected with the production storage (hashed names and the manifest `{% static %}` reads).
# The production settings refuse to load without their secrets: these placeholders exist only for this command,
# which reads no secret and opens no connection; every running container gets the real values.
RUN useradd --create-home --uid 1000 ecs && mkdir -p /app/var && chown -R ecs /app/var \
 && env DEBUG=0 SECRET_KEY=collectstatic-only-placeholder-not-used-at-run-time ALLOWED_HOSTS=localhost \
      DATABASE_URL=postgres://unused@localhost/unused SMS_GATEWAY_URL=https://unused.invalid SMS_GATEWAY_API_KEY=unused \
      COMPANIES_HOUSE_URL=https://unused.invalid COMPANIES_HOUSE_API_KEY=unused AWARDING_BODIES_URL=https://unused.invalid \
      STRIPE_API_BASE=https://unused.invalid STRIPE_SECRET_KEY=sk_unused STRIPE_PUBLISHABLE_KEY=pk_unused \
      STRIPE_WEBHOOK_SECRET=whsec_unused \
      python manage.py collectstatic --no-input -v 0 \
 && test -s /app/var/staticfiles/staticfiles.json
USER ecs

EXPOSE 8000
CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

# `demo` adds localstripe, the local Stripe stand-in, for the compose file's demo profile.
FROM app AS demo
USER root
RUN pip install localstripe==1.15.10 -c constraints.txt
USER ecs
