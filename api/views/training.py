"""Training for deputies: my courses, enrolling (``training.services.enrolment.course_enrol``)
and taking a course's test (``training.services.quizzes.quiz_attempt_submit``), the doors the
web's pages use. A course the deputy may not see is a 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core import clock
from training.models import Enrollment, Quiz
from training.selectors_courses import course_visible_to, my_enrollments
from training.selectors_quizzes import deputy_enrollment
from training.services.enrolment import course_enrol
from training.services.quizzes import quiz_attempt_submit

from ..permissions import IsDeputy
from ..serializers.training import (
    AttemptSerializer,
    EnrollmentSerializer,
    MyCourseSerializer,
    QuizAnswersSerializer,
)
from .common import ERRORS


class MyCoursesView(generics.ListAPIView):
    permission_classes = [IsDeputy]
    serializer_class = MyCourseSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Enrollment.objects.none()
        return my_enrollments(self.request.deputy, today=clock.today())

    @extend_schema(summary="我的培训课程", tags=["training"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EnrolView(APIView):
    permission_classes = [IsDeputy]

    @extend_schema(
        request=None,
        responses={201: EnrollmentSerializer, **ERRORS},
        summary="报名课程",
        tags=["training"],
    )
    def post(self, request, pk: int):
        course = get_object_or_404(course_visible_to(request.deputy), pk=pk)
        enrollment = course_enrol(course=course, deputy=request.deputy, actor=request.user)
        return Response(EnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)


class QuizSubmitView(APIView):
    permission_classes = [IsDeputy]

    @extend_schema(
        request=QuizAnswersSerializer,
        responses={201: AttemptSerializer, **ERRORS},
        summary="参加课程测试（提交一次作答）",
        tags=["training"],
    )
    def post(self, request, pk: int):
        """``pk`` is the course's, as on the web. An unpublished course's quiz exists only for
        those enrolled."""
        deputy = request.deputy
        quiz = get_object_or_404(Quiz.objects.select_related("course"), course_id=pk)
        enrolled = deputy_enrollment(course_id=pk, deputy=deputy)
        if enrolled is None and not quiz.course.is_published:
            raise Http404
        serializer = QuizAnswersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answers: dict[int, list[int]] = {}
        for item in serializer.validated_data["answers"]:
            answers.setdefault(item["question"], []).extend(item["choices"])
        attempt = quiz_attempt_submit(
            quiz=quiz, deputy=deputy, answers=answers, actor=request.user, today=clock.today()
        )
        return Response(AttemptSerializer(attempt).data, status=status.HTTP_201_CREATED)
