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
    # Sunday 03:45: delete sign-in logs (django-axes) older than a year; weekly is enough for a
    # yearly limit, and Sunday night is the quietest time for the deletes (core.retention).
    "core-prune-access-logs": {
        "task": "core.tasks.prune_access_logs",
        "schedule": crontab(hour=3, minute=45, day_of_week="sun"),
        "options": {"expires": 12 * HOUR},
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
    # 08:00 daily: warn handling units and staff of reply deadlines in the next 7 days.
    "suggestions-remind-deadlines": {
        "task": "suggestions.tasks.remind_deadlines",
        "schedule": crontab(hour=8, minute=0),
        "options": {"expires": 6 * HOUR},
    },
    # 08:10 daily: flag replies past their deadline and commitments past their due date.
    "suggestions-flag-overdue": {
        "task": "suggestions.tasks.flag_overdue",
        "schedule": crontab(hour=8, minute=10),
        "options": {"expires": 6 * HOUR},
    },
    # 08:20 daily: tell staff which follow-up checks (三查) have fallen due.
    "suggestions-remind-checks": {
        "task": "suggestions.tasks.remind_checks",
        "schedule": crontab(hour=8, minute=20),
        "options": {"expires": 6 * HOUR},
    },
    # 08:30 daily: chase tough projects whose last quarterly report (季度述职) is missing.
    "suggestions-remind-quarterly-reports": {
        "task": "suggestions.tasks.remind_quarterly_reports",
        "schedule": crontab(hour=8, minute=30),
        "options": {"expires": 6 * HOUR},
    },
    # 03:15 nightly: recompute units' yearly scores (this and last year) from new ratings.
    "suggestions-refresh-unit-scores": {
        "task": "suggestions.tasks.refresh_unit_scores",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 12 * HOUR},
    },
    # --- liaison ---
    # 09:00 and 17:00 daily: remind deputies on duty tomorrow (the evening run catches duties
    # added during the day); each duty is reminded once.
    "liaison-remind-duties": {
        "task": "liaison.tasks.remind_duties",
        "schedule": crontab(hour="9,17", minute=0),
        "options": {"expires": 4 * HOUR},
    },
    # 09:10 daily: tell staff of residents' opinions still untriaged after
    # LVZHI_OPINION_TRIAGE_DAYS days, once per opinion.
    "liaison-remind-untriaged-opinions": {
        "task": "liaison.tasks.remind_untriaged_opinions",
        "schedule": crontab(hour=9, minute=10),
        "options": {"expires": 6 * HOUR},
    },
    # Monday 07:00: the week before is complete; flag its (community, category) jumps and tell
    # staff once per flag, so they find them at the start of the working week.
    "liaison-opinion-index-weekly": {
        "task": "liaison.tasks.compute_opinion_index",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
        "options": {"expires": 12 * HOUR},
    },
    # --- training ---
    # 09:20 and 17:20 daily: remind enrolled deputies of a session tomorrow (the evening run
    # catches sessions added during the day); once per session and deputy.
    "training-remind-sessions": {
        "task": "training.tasks.remind_sessions",
        "schedule": crontab(hour="9,17", minute=20),
        "options": {"expires": 4 * HOUR},
    },
    # 09:30 daily: a week before a course's deadline, remind deputies who have not passed its
    # quiz and have attempts left; once per enrolment (a missed day is caught the next day).
    "training-remind-quiz-deadlines": {
        "task": "training.tasks.remind_quiz_deadlines",
        "schedule": crontab(hour=9, minute=30),
        "options": {"expires": 6 * HOUR},
    },
}
