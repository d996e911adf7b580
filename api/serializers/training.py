from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .base import StrictSerializer


class CourseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.IntegerField()
    track = serializers.CharField()
    track_label = serializers.CharField(source="get_track_display")
    instructor = serializers.CharField()
    description = serializers.CharField()


class MyCourseSerializer(serializers.Serializer):
    """One of my enrolments, with what ``training.selectors_courses.my_enrollments`` counts."""

    course = CourseSerializer()
    enrolled_at = serializers.DateTimeField()
    completed_on = serializers.DateField(allow_null=True)
    sessions_total = serializers.IntegerField()
    sessions_attended = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=1)
    has_quiz = serializers.BooleanField()
    quiz_passed = serializers.BooleanField()


class EnrollmentSerializer(serializers.Serializer):
    course = serializers.IntegerField(source="course_id")
    enrolled_at = serializers.DateTimeField()


class AnswerSerializer(StrictSerializer):
    question = serializers.IntegerField(label=_("题目编号"), min_value=1)
    choices = serializers.ListField(
        label=_("所选选项编号"), child=serializers.IntegerField(min_value=1), max_length=50
    )


class QuizAnswersSerializer(StrictSerializer):
    answers = AnswerSerializer(many=True, label=_("作答"))

    def validate_answers(self, value):
        if len(value) > 500:
            raise serializers.ValidationError(_("题目过多。"))
        return value


class AttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=5, decimal_places=1)
    passed = serializers.BooleanField()
    submitted_at = serializers.DateTimeField()
