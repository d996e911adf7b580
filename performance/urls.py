from django.urls import path

from . import views

app_name = "performance"

urlpatterns = [
    path("", views.my_ledger, name="my_ledger"),
    path("submit/", views.entry_submit_view, name="submit"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("entries/<int:pk>/dispute/", views.dispute_view, name="dispute"),
    path("missing/", views.missing_view, name="missing"),
    path("disputes/<int:pk>/evidence/", views.dispute_evidence, name="dispute_evidence"),
    path("standings/", views.standings_view, name="standings"),
    path("topics/", views.topics_view, name="topics"),
    path("topics/<int:pk>/signup/", views.topic_signup_view, name="topic_signup"),
]
