"""The learning archive (学习档案): a deputy's own at ``archive/`` and, for staff, any deputy's
at ``archive/<pk>/``, each with its printable PDF. A deputy never reaches the staff addresses,
not even with their own pk (403): their archive lives at the address without one, so no URL
holds a deputy id a deputy could change. Anonymous users go to the login page."""

from django.shortcuts import get_object_or_404, render
from django.urls import path

from accounts.access import deputy_required, role_required
from accounts.roles import Role
from core import clock
from core.privacy import export_record
from core.tabular import file_response
from deputies.facts import deputy_facts

from ..archive_html import completed_html, in_progress_html, quizzes_html, years_html
from ..pdf import archive_pdf, archive_pdf_filename
from ..selectors_archive import (
    ARCHIVE,
    archive_deputy_queryset,
    archive_rows,
    learning_archive,
    track_labels,
)


def _page(request, deputy, *, staff_view: bool, rows=None):
    archive = learning_archive(deputy, rows)
    return render(
        request,
        "training/archive.html",
        {
            "archive": archive,
            "deputy": deputy,
            "tracks": track_labels(),
            "staff_view": staff_view,
            "years_html": years_html(archive.years),
            "completed_html": completed_html(archive.completed),
            "in_progress_html": in_progress_html(archive.in_progress),
            "quizzes_html": quizzes_html(archive.quizzes),
        },
    )


def _pdf(deputy, rows=None):
    now = clock.now()
    content = archive_pdf(learning_archive(deputy, rows), now=now)
    return file_response(content, archive_pdf_filename(deputy, now=now))


def _deputy(pk: int):
    return get_object_or_404(archive_deputy_queryset(), pk=pk)


def _own(request):
    """The request's deputy with the term the archive's header shows, and their archive's
    rows: both read by the deputy's facts statement of the archive's source alone
    (``deputies.facts``: the deputy's row with their constituency, group and term, and the
    rows as one of its columns; compiled once per day and prepared), where reading
    ``deputy.term`` and the rows were a query each."""
    known = deputy_facts(request, keys=(ARCHIVE,))
    return request.deputy, archive_rows(known)


@deputy_required
def archive(request):
    deputy, rows = _own(request)
    return _page(request, deputy, staff_view=False, rows=rows)


@deputy_required
def archive_pdf_view(request):
    return _pdf(*_own(request))


@role_required(Role.STAFF)
def deputy_archive(request, deputy_pk: int):
    return _page(request, _deputy(deputy_pk), staff_view=True)


@role_required(Role.STAFF)
def deputy_archive_pdf(request, deputy_pk: int):
    """Staff print a deputy's record: recorded (a deputy's own printout is not)."""
    deputy = _deputy(deputy_pk)
    export_record(
        actor=request.user,
        export="training.archive_export",
        count=1,
        filters={"deputy": deputy.pk},
        summary=f"{deputy.code} {deputy.name}",
    )
    return _pdf(deputy)


urlpatterns = [
    path("archive/", archive, name="archive"),
    path("archive/pdf/", archive_pdf_view, name="archive_pdf"),
    path("archive/<int:deputy_pk>/", deputy_archive, name="deputy_archive"),
    path("archive/<int:deputy_pk>/pdf/", deputy_archive_pdf, name="deputy_archive_pdf"),
]
