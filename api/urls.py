"""``/api/``: the schema, its Swagger page, and version 1 of the API (docs/api.md)."""

from django.urls import include, path, re_path

from .views import (
    auth,
    common,
    docs,
    ledger,
    liaison,
    me,
    notifications,
    public,
    suggestions,
    training,
    units,
)

app_name = "api"

v1 = [
    path("auth/token/", auth.TokenView.as_view(), name="token"),
    path("auth/token/refresh/", auth.RefreshView.as_view(), name="token_refresh"),
    path("auth/logout/", auth.LogoutView.as_view(), name="logout"),
    path("me/", me.MeView.as_view(), name="me"),
    path("me/score/", me.ScoreView.as_view(), name="score"),
    path("me/duties/", liaison.DutyListView.as_view(), name="duties"),
    path("me/courses/", training.MyCoursesView.as_view(), name="courses"),
    path("ledger/rules/", ledger.RuleListView.as_view(), name="rules"),
    path("ledger/entries/", ledger.EntryListView.as_view(), name="entries"),
    path("ledger/entries/<int:pk>/", ledger.EntryDetailView.as_view(), name="entry"),
    path("ledger/evidence/<int:pk>/", ledger.EvidenceView.as_view(), name="evidence"),
    path("suggestions/", suggestions.SuggestionListView.as_view(), name="suggestions"),
    path("suggestions/<int:pk>/", suggestions.SuggestionDetailView.as_view(), name="suggestion"),
    path(
        "suggestions/<int:pk>/submit/",
        suggestions.SuggestionSubmitView.as_view(),
        name="suggestion_submit",
    ),
    path(
        "suggestions/<int:pk>/evaluate/",
        suggestions.SuggestionEvaluateView.as_view(),
        name="suggestion_evaluate",
    ),
    path("unit/suggestions/", units.UnitSuggestionListView.as_view(), name="unit_suggestions"),
    path("unit/suggestions/<int:pk>/reply/", units.UnitReplyView.as_view(), name="unit_reply"),
    path(
        "unit/suggestions/<int:pk>/extension/",
        units.UnitExtensionView.as_view(),
        name="unit_extension",
    ),
    path("visits/", liaison.VisitCreateView.as_view(), name="visits"),
    path("training/courses/<int:pk>/enrol/", training.EnrolView.as_view(), name="enrol"),
    path("training/courses/<int:pk>/quiz/", training.QuizSubmitView.as_view(), name="quiz"),
    path("public/opinions/", public.OpinionCreateView.as_view(), name="opinions"),
    path(
        "public/opinions/<str:tracking_code>/",
        public.OpinionTrackView.as_view(),
        name="opinion_track",
    ),
    path("notifications/", notifications.NotificationListView.as_view(), name="notifications"),
    path(
        "notifications/<int:pk>/read/",
        notifications.NotificationReadView.as_view(),
        name="notification_read",
    ),
]

urlpatterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(), name="docs"),
    path("v1/", include(v1)),
    # Last: whatever else is asked under /api/ is a JSON 404, never the site's HTML page.
    re_path(r"^.*$", common.NotFoundView.as_view(), name="not_found"),
]
