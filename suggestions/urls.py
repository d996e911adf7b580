from django.urls import path

from . import views

app_name = "suggestions"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.deputy_list, name="mine"),
    path("new/", views.deputy_edit, name="create"),
    path("<int:pk>/", views.deputy_detail, name="detail"),
    path("<int:pk>/edit/", views.deputy_edit, name="edit"),
    path("<int:pk>/submit/", views.deputy_submit, name="submit"),
    path("<int:pk>/qr/", views.qr_print, name="qr_print"),
    path("<int:pk>/evaluate/", views.deputy_evaluate, name="evaluate"),
    path("unit/", views.unit_home, name="unit_home"),
    path("unit/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("unit/<int:pk>/accept/", views.unit_accept, name="unit_accept"),
    path("unit/<int:pk>/reply/", views.unit_reply, name="unit_reply"),
    path("unit/<int:pk>/extension/", views.unit_extension, name="unit_extension"),
    path("unit/<int:pk>/return/", views.unit_return, name="unit_return"),
    path("unit/<int:pk>/feasibility/", views.unit_feasibility, name="unit_feasibility"),
    path("unit/<int:pk>/commitments/new/", views.unit_commitment_add, name="unit_commitment_add"),
    path("unit/<int:pk>/meeting/", views.unit_meeting, name="unit_meeting"),
    path("unit/<int:pk>/report/", views.unit_report, name="unit_report"),
    path(
        "unit/commitments/<int:pk>/",
        views.unit_commitment_update,
        name="unit_commitment_update",
    ),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/stats/", views.staff_stats, name="staff_stats"),
    path("staff/scores/", views.staff_scores, name="staff_scores"),
    path("rate/<uuid:token>/", views.public_rate, name="rate"),
    path("rate/<uuid:token>/qr.svg", views.public_qr, name="rate_qr"),
]
