"""Deputy stories (代表在身边): staff write, publish and withdraw them; each write is audited.

A story is written in the admin (the form saves it through ``story_save``), gets its photos
inline (``story_photo_add`` for the demo and scripts), and goes public only through
``story_publish``; ``story_withdraw`` takes it off the public pages again (the public then
gets 404 for it and its photos). Staff only: a deputy may read a draft about them, never
write one.
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role, user_has_role
from core import clock
from core.audit import audit_record

from ..models import Story, StoryPhoto, StoryStatus

ERR_NOT_PERMITTED = gettext_noop("只有工委工作人员可以撰写和发布“代表在身边”。")
ERR_NO_DEPUTY = gettext_noop("“%(title)s”尚未关联代表，不能发布。")
ERR_FUTURE = gettext_noop("“%(title)s”的事迹日期在今天之后，不能发布。")
ERR_NOT_PUBLISHED = gettext_noop("“%(title)s”未发布，无需撤回。")


class StoryError(Exception):
    """A story write that breaks a rule; the message is for the user."""


def _check_staff(actor: User | None) -> None:
    if actor is not None and not user_has_role(actor, Role.STAFF):
        raise StoryError(_(ERR_NOT_PERMITTED))


@transaction.atomic
def story_save(*, story: Story, actor: User | None) -> Story:
    """Save what the admin form (or a script) filled in; a new story gets its author. The
    deputies are the form's ``save_m2m``'s business; ``story_saved`` audits once they are."""
    _check_staff(actor)
    if story.pk is None and story.author_id is None and actor is not None:
        story.author = actor
    story.save()
    return story


def story_saved(*, story: Story, created: bool, actor: User | None) -> None:
    """The audit row of a save, written after the deputies were saved too."""
    audit_record(
        actor=actor,
        action="liaison.story.create" if created else "liaison.story.update",
        target=story,
        summary=story.title,
        data={
            "status": story.status,
            "deputies": sorted(story.deputies.values_list("code", flat=True)),
        },
    )


@transaction.atomic
def story_publish(
    *, stories: Iterable[Story], actor: User | None, now: datetime | None = None
) -> int:
    """Publish drafts and withdrawn stories (a republished one gets a new time, so it comes
    back at the top of the feed). Each must be about at least one deputy and not dated in the
    future; if one is refused nothing is published. Returns how many were published."""
    _check_staff(actor)
    now = now or clock.now()
    today = clock.day_of(now)
    ids = [s.pk for s in stories]
    rows = list(
        Story.objects.select_for_update()
        .filter(pk__in=ids)
        .exclude(status=StoryStatus.PUBLISHED)
        .order_by("pk")
    )
    with_deputies = set(
        Story.deputies.through.objects.filter(story__in=rows).values_list("story_id", flat=True)
    )
    for story in rows:
        if story.pk not in with_deputies:
            raise StoryError(_(ERR_NO_DEPUTY) % {"title": story.title})
        if story.happened_on > today:
            raise StoryError(_(ERR_FUTURE) % {"title": story.title})
    Story.objects.filter(pk__in=[s.pk for s in rows]).update(
        status=StoryStatus.PUBLISHED, published_at=now, updated_at=now
    )
    for story in rows:
        audit_record(actor=actor, action="liaison.story.publish", target=story, summary=story.title)
    return len(rows)


@transaction.atomic
def story_withdraw(*, stories: Iterable[Story], actor: User | None, reason: str = "") -> int:
    """Take published stories off the public pages; they stay in the admin (with their
    photos) and may be published again. Stories not published are skipped. Returns how many
    were withdrawn."""
    _check_staff(actor)
    ids = [s.pk for s in stories]
    rows = list(
        Story.objects.select_for_update()
        .filter(pk__in=ids, status=StoryStatus.PUBLISHED)
        .order_by("pk")
    )
    Story.objects.filter(pk__in=[s.pk for s in rows]).update(status=StoryStatus.WITHDRAWN)
    for story in rows:
        audit_record(
            actor=actor,
            action="liaison.story.withdraw",
            target=story,
            summary=story.title,
            data={"reason": reason} if reason else None,
        )
    return len(rows)


@transaction.atomic
def story_photo_add(
    *, story: Story, file: File, caption: str = "", order: int = 0, actor: User | None
) -> StoryPhoto:
    """Attach one photo, validated like the admin's inline (an image within the size limit);
    a refused file raises ``StoryError`` with the validator's message and stores nothing."""
    _check_staff(actor)
    photo = StoryPhoto(story=story, image=file, caption=caption, order=order)
    try:
        photo.full_clean()
    except ValidationError as exc:
        raise StoryError(" ".join(exc.messages)) from exc
    photo.save()
    audit_record(
        actor=actor,
        action="liaison.story.photo_add",
        target=story,
        summary=story.title,
        data={"photo": photo.pk, "name": photo.name},
    )
    return photo
