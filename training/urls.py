"""The training app's pages: each views module lists its own patterns; here they are joined."""

from .views import archive, attendance, courses, quizzes, reports, surveys

app_name = "training"

urlpatterns = [
    *courses.urlpatterns,
    *quizzes.urlpatterns,
    *surveys.urlpatterns,
    *archive.urlpatterns,
    *reports.urlpatterns,
    *attendance.urlpatterns,
]
