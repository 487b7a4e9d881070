#!/bin/sh
# The image's build step: static files collected with the production storage (DEBUG off), so that hashed names,
# compressed copies and staticfiles.json (which `{% static %}` reads) are in the image. The production settings
# refuse to load without their secrets: these placeholders exist only for this command, which reads no secret and
# opens no connection; every running container gets the real values.
set -eu
env DEBUG=0 SECRET_KEY=collectstatic-only-placeholder-not-used-at-run-time ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://unused@localhost/unused \
    SMS_GATEWAY_URL=https://unused.invalid SMS_GATEWAY_API_KEY=unused EMAIL_HOST=unused.invalid \
    COMPANIES_HOUSE_URL=https://unused.invalid COMPANIES_HOUSE_API_KEY=unused \
    AWARDING_BODIES_URL=https://unused.invalid \
    STRIPE_API_BASE=https://unused.invalid STRIPE_SECRET_KEY=sk_unused STRIPE_PUBLISHABLE_KEY=pk_unused \
    STRIPE_WEBHOOK_SECRET=whsec_unused \
    python manage.py collectstatic --no-input -v 0
# Where portal/settings.py puts STATIC_ROOT.
static_root="${STATIC_ROOT:-${ECS_VAR_DIR:-var}/staticfiles}"
test -s "$static_root/staticfiles.json" || { echo "collectstatic wrote no manifest in $static_root" >&2; exit 1; }
