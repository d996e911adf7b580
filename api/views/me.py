"""Who I am, and my score (the ledger page's figures)."""

from datetime import date

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import role_names
from core import clock
from deputies.models import Deputy
from performance.deputy_panels import level_rank
from performance.models import Assessment, RuleSet
from performance.portrait import deputy_portrait
from performance.selectors import duty_days, score_breakdown
from suggestions.models import HandlingUnit

from ..permissions import IsDeputy
from ..serializers.me import MeSerializer, ScoreSerializer, YearQuerySerializer
from .common import ERRORS


class MeView(APIView):
    """My account: roles, and for a deputy the profile (phone masked), level, group, term."""

    @extend_schema(responses={200: MeSerializer, **ERRORS}, summary="我的信息", tags=["me"])
    def get(self, request):
        user = request.user
        deputy = Deputy.objects.select_related("group", "term").filter(user=user).first()
        body = {
            "id": user.pk,
            "username": user.username,
            "get_full_name": user.get_full_name(),
            "roles": sorted(role_names(user)),
            "deputy": deputy,
            "units": list(HandlingUnit.objects.filter(users=user).values_list("name", flat=True)),
        }
        return Response(MeSerializer(body).data)


class ScoreView(APIView):
    permission_classes = [IsDeputy]

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="年度，默认今年")],
        responses={200: ScoreSerializer, **ERRORS},
        summary="我的履职积分",
        tags=["me"],
    )
    def get(self, request):
        query = YearQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = clock.today()
        year = query.validated_data.get("year") or today.year
        deputy = request.deputy
        rule_set = RuleSet.objects.filter(year=year).first()
        assessment = (
            Assessment.objects.filter(deputy=deputy, rule_set=rule_set).first()
            if rule_set
            else None
        )
        breakdown, stale = score_breakdown(deputy, rule_set, assessment, entries=False)
        a = assessment
        ranked = level_rank(a, deputy.level) if a else None
        body = {
            "year": year,
            "rule_set": rule_set is not None,
            "assessed": a is not None,
            "total": a.total if a else None,
            "base": a.base if a else None,
            "innovation": a.innovation if a else None,
            "contribution": a.contribution if a else None,
            "grade": a.grade if a else None,
            "grade_label": a.get_grade_display() if a else None,
            "rank": {"rank": a.rank, "of": a.assessed_count} if a else None,
            "level_rank": {"rank": ranked[0], "of": ranked[1]} if ranked else None,
            "duty_days": a.duty_days if a else duty_days(deputy, year),
            "computed_at": a.computed_at if a else None,
            "stale": stale,
            "breakdown": breakdown,
            # The dashboard's portrait (performance.portrait), as of the year's last day for a
            # past year.
            "portrait": deputy_portrait(
                deputy, today=today if year >= today.year else date(year, 12, 31)
            ),
        }
        return Response(ScoreSerializer(body).data)
