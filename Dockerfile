# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PIP_NO_CACHE_DIR=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 lvzhi

WORKDIR /app
COPY requirements/prod.lock requirements/prod.lock
RUN pip install -r requirements/prod.lock

COPY --chown=lvzhi:lvzhi . .
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost \
        DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
        python manage.py collectstatic --noinput \
    && DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost \
        DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
        python manage.py compilemessages --ignore=.venv -v0 \
    && mkdir -p /app/var/media /app/var/backups && chown -R lvzhi:lvzhi /app/var

USER lvzhi
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
