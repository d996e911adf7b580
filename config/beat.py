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
    # 01:30 nightly: recompute this year's assessment so ranks follow the day's verifications.
    "performance-recompute-current-year": {
        "task": "performance.tasks.recompute_current_year",
        "schedule": crontab(hour=1, minute=30),
        "options": {"expires": 6 * HOUR},
    },
    # 09:00 daily: remind deputies idle for LVZHI_LEDGER_IDLE_DAYS; 2nd unanswered → talk list.
    "performance-idle-reminders": {
        "task": "performance.tasks.send_idle_reminders",
        "schedule": crontab(hour=9, minute=0),
        "options": {"expires": 12 * HOUR},
    },
    # --- suggestions ---
}
