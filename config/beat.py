"""Every periodic job, in one place. Exactly one beat process runs in each deployment.

Each entry says when and why in one line; ``expires`` drops a run that could not start in time
so that a backlog after downtime does not fire the same job many times over.
"""

from celery.schedules import crontab

HOUR = 60 * 60

BEAT_SCHEDULE: dict[str, dict] = {
    # 02:30 nightly: drop stale sessions so the table does not grow without bound.
    "core-clear-expired-sessions": {
        "task": "core.tasks.clear_expired_sessions",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 6 * HOUR},
    },
    # --- performance ---
    # --- suggestions ---
}
